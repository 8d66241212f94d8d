"""Factories: rows made the way the app's own services make them, one
module per app (``tests/factories/<app>.py``), named ``make_<thing>``.

Plain functions (not fixtures), so tests, browser tests and bench/ scripts
share them. They work in the current schema unless they take a unit.
"""
