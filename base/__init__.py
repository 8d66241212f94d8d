"""Shared vocabulary of every app (bakerydemo's ``base``): priorities, slugs,
the current unit, the platform Redis client, rate limits, state pipelines,
the unit-scoped admin. It depends on no other app of the project but tenants."""
