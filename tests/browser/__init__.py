"""Browser tests (Debian Chromium through Playwright)."""
