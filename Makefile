# TTCS — the two commands: `make run` and `make test`.
SHELL := /bin/bash
PY := .venv/bin/python
PORT ?= 8000
export PORT

.PHONY: run test install system-packages services lint demo stop-services requirements

.venv/.stamp: requirements/base.txt requirements/dev.txt
	@test -x $(PY) || python3 -m venv .venv
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements/dev.txt
	@touch $@

# Re-pin requirements/*.txt after editing requirements/*.in.
requirements: .venv/.stamp
	cd requirements && for f in base dev; do \
		../.venv/bin/uv pip compile $$f.in -c $$f.txt -o $$f.txt --python-version 3.11.7 \
			-q --no-header --no-annotate && \
		sed -i "1i # Exact pins compiled from $$f.in by \`make requirements\` (uv pip compile)." $$f.txt; \
	done

# Debian packages (espeak-ng, chromium, ...): installed where missing.
system-packages:
	@bash scripts/system_packages.sh

# npm packages for tests (axe-core); the fonts are already in themes/static/fonts.
node_modules/.stamp: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

install: .venv/.stamp system-packages node_modules/.stamp

# Find PostgreSQL, Redis and an MQTT broker, or start local ones (.local/).
services: .venv/.stamp
	@$(PY) scripts/services.py up

stop-services:
	@$(PY) scripts/services.py down

# Lint first (ruff, formatting, no missing migration), then the suite.
test: install services lint
	@source .local/services.env && DJANGO_SETTINGS_MODULE=config.settings.test \
		$(PY) -m pytest --create-db

run: install services
	@source .local/services.env && bash scripts/run.sh

lint: .venv/.stamp
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	@if [ -f .local/services.env ]; then source .local/services.env; fi; \
		DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run
