"""migrate_schemas that skips schemas already at the latest migration state.

django-tenants runs Django's migrate in every schema even when nothing
changed (~0.3 s a schema: with thousands of units, minutes of nothing). We
compare each schema's django_migrations with the migration graph in one
cheap query and migrate only the schemas that lag behind. The template
schema new units are cloned from is always part of the set.
"""

from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django_tenants.management.commands import SyncCommon
from django_tenants.management.commands.migrate_schemas import (
    GET_EXECUTOR_FUNCTION,
    MigrateSchemasCommand,
)
from django_tenants.utils import get_public_schema_name, schema_context, schema_exists

from tenants.models import Unit
from tenants.services import prepare_template_content, template_schema_name


def expected_migrations():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return sorted(f"{app}.{name}" for app, name in loader.graph.nodes)


def schemas_behind(schemas, expected):
    """The schemas whose django_migrations lacks any expected migration."""
    behind = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_schema FROM information_schema.tables "
            "WHERE table_name = 'django_migrations' AND table_schema = ANY(%s)",
            [list(schemas)],
        )
        with_table = {row[0] for row in cursor.fetchall()}
        for schema in schemas:
            if schema not in with_table:
                behind.append(schema)
                continue
            cursor.execute(
                f'SELECT count(*) FROM "{schema}".django_migrations '
                "WHERE app || '.' || name = ANY(%s)",
                [expected],
            )
            if cursor.fetchone()[0] < len(expected):
                behind.append(schema)
    return behind


class Command(MigrateSchemasCommand):
    help = (
        "Migrate the public schema, the unit template and every unit's schema, "
        "skipping schemas that are already up to date."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--all-schemas",
            action="store_true",
            help="Run migrate in every schema, even those already up to date.",
        )

    def handle(self, *args, **options):
        SyncCommon.handle(self, *args, **options)
        public = get_public_schema_name()
        executor = GET_EXECUTOR_FUNCTION(codename=self.executor)(
            self.args, self.options
        )
        targeted = bool(
            options.get("app_label")
            or options.get("migration_name")
            or options.get("fake")
            or options.get("fake_initial")
            or options.get("prune")
            or options.get("all_schemas")
        )
        expected = None if targeted else expected_migrations()

        if self.sync_public and self.schema_name in (None, public):
            if expected is None or schemas_behind([public], expected):
                executor.run_migrations(tenants=[public])
            elif int(options.get("verbosity", 1)) >= 1:
                self.stdout.write("Schema public đã ở trạng thái mới nhất.")

        if not self.sync_tenant or self.schema_name == public:
            return
        if self.schema_name:
            if not schema_exists(self.schema_name):
                raise RuntimeError(f'Schema "{self.schema_name}" does not exist')
            schemas = [self.schema_name]
        else:
            template = template_schema_name()
            if not schema_exists(template):
                with connection.cursor() as cursor:
                    cursor.execute(f'CREATE SCHEMA "{template}"')
            registered = list(
                Unit.objects.exclude(schema_name=public)
                .order_by("path")
                .values_list("schema_name", flat=True)
            )
            # A unit whose schema is gone (being deleted, or never
            # provisioned) is reported, not migrated into a missing schema.
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT nspname FROM pg_namespace WHERE nspname = ANY(%s)",
                    [registered],
                )
                present = {row[0] for row in cursor.fetchall()}
            missing = [name for name in registered if name not in present]
            if missing:
                self.stderr.write(
                    f"Bỏ qua {len(missing)} đơn vị chưa có schema: "
                    + ", ".join(missing[:10])
                )
            schemas = [template] + [name for name in registered if name in present]
        todo = schemas if expected is None else schemas_behind(schemas, expected)
        skipped = len(schemas) - len(todo)
        if int(options.get("verbosity", 1)) >= 1:
            self.stdout.write(
                f"{len(todo)} schema cần migrate, "
                f"{skipped} schema đã mới nhất (bỏ qua)."
            )
        if todo:
            executor.run_migrations(tenants=todo)
        if template_schema_name() in schemas:
            # Home page, sections and groups of the template (idempotent).
            with schema_context(template_schema_name()):
                prepare_template_content()
