from .migrate_schemas import Command  # noqa: F401
