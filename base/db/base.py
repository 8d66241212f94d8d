"""django-tenants' PostgreSQL backend, keeping Django's content-type cache
per schema.

django-tenants empties ``ContentType.objects``' cache on every schema
switch (public and unit schemas may number their content types
differently), so every request to a unit's site read its content types
again: one query per page type on the way to the page (``.specific``).
Here each schema keeps a cache of its own (for the ``CONTENT_TYPE_SCHEMAS``
schemas used last), which is what the clearing protects without the
re-reading.
"""

from collections import OrderedDict

from django.contrib.contenttypes.models import ContentType
from django_tenants.postgresql_backend.base import (
    DatabaseWrapper as TenantDatabaseWrapper,
)

CONTENT_TYPE_SCHEMAS = 256
_per_schema = OrderedDict()


class DatabaseWrapper(TenantDatabaseWrapper):
    def set_tenant(self, tenant, include_public=True):
        # The parent clears ContentType.objects._cache: let it clear a
        # throw-away dict, then put in the schema's own.
        ContentType.objects._cache = {}
        super().set_tenant(tenant, include_public)
        cache = _per_schema.get(tenant.schema_name)
        if cache is None:
            cache = _per_schema[tenant.schema_name] = {}
            while len(_per_schema) > CONTENT_TYPE_SCHEMAS:
                _per_schema.popitem(last=False)
        _per_schema.move_to_end(tenant.schema_name)
        ContentType.objects._cache = cache
