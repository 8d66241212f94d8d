"""django-tenants' PostgreSQL backend, keeping Django's content-type cache
per schema and the session's ``search_path`` across requests.

django-tenants empties ``ContentType.objects``' cache on every schema
switch (public and unit schemas may number their content types
differently), so every request to a unit's site read its content types
again: one query per page type on the way to the page (``.specific``).
Here each schema keeps a cache of its own (for the ``CONTENT_TYPE_SCHEMAS``
schemas used last), which is what the clearing protects without the
re-reading.

With ``TENANT_LIMIT_SET_CALLS`` django-tenants sets ``search_path`` once per
schema switch, but every request switches twice (to public, then to the
unit), so the first query of every page was a ``SET``. The paths the
session really has are remembered here and the ``SET`` is skipped when they
are the ones wanted; a rollback, a savepoint rollback or a closed
connection forget them (django-tenants forgets its own at the same points:
PostgreSQL undoes a ``SET`` with its transaction).
"""

from collections import OrderedDict

from django.contrib.contenttypes.models import ContentType
from django_tenants.postgresql_backend.base import (
    DatabaseWrapper as TenantDatabaseWrapper,
)
from django_tenants.utils import get_limit_set_calls

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

    # --- the session's search_path ------------------------------------------------

    _session_search_paths = None

    def _handle_search_path(self, cursor=None):
        if (
            not self._setting_search_path
            and not self.search_path_set_schemas
            and self._session_search_paths is not None
            and get_limit_set_calls()
            and self.connection is not None
            and self._session_search_paths == self._get_cursor_search_paths()
        ):
            self.search_path_set_schemas = self._session_search_paths
            return
        super()._handle_search_path(cursor)
        if self.search_path_set_schemas:
            self._session_search_paths = self.search_path_set_schemas

    def close(self):
        self._session_search_paths = None
        super().close()

    def rollback(self):
        self._session_search_paths = None
        super().rollback()

    def savepoint_rollback(self, sid):
        try:
            super().savepoint_rollback(sid)
        finally:
            self._session_search_paths = None
