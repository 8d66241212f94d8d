#!/usr/bin/env bash
# `make run`: migrate, build the demo province, then start web, worker and beat.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-config.settings.dev}
export DJANGO_DEBUG=${DJANGO_DEBUG:-0}
export PORT=${PORT:-8000}
export PYTHONUNBUFFERED=1
export PUBLIC_PORT=${PUBLIC_PORT:-$PORT}
# Boards' event streams: their own ASGI process, next port up (deploy/Procfile.dev).
export SIGNAGE_EVENTS_PORT=${SIGNAGE_EVENTS_PORT:-$((PORT + 1))}
mkdir -p .local
# This installation's own secret key (.local/secret_key, made once), never
# the repository's default.
if [ -z "${DJANGO_SECRET_KEY:-}" ]; then
    DJANGO_SECRET_KEY=$($PY scripts/secret_key.py .local/secret_key)
    export DJANGO_SECRET_KEY
fi
echo "[run] migrate_schemas"
$PY manage.py migrate_schemas --noinput -v 0
# Units made by an earlier version get the group permissions of this one.
$PY manage.py sync_unit_groups --no-progress
echo "[run] demo province: Sóc Trăng (94), two districts, their communes and wards"
$PY manage.py import_units --structure 2020 --province 94 --districts 941,942 --languages km
$PY manage.py load_demo
$PY manage.py sync_site_ports
# The project's broker learns every registered cluster (later changes reach
# it on their own: files rewritten, SIGHUP).
if [ -n "${BROADCAST_MOSQUITTO_DIR:-}" ]; then
    $PY manage.py broadcast_mosquitto_config "$BROADCAST_MOSQUITTO_DIR" --reload \
        --pid-file "${BROADCAST_MOSQUITTO_PID_FILE:-}" >/dev/null
fi
$PY manage.py seed_bulletins_demo --province 94
$PY manage.py collectstatic --noinput -v 0
.venv/bin/honcho -f deploy/Procfile.dev -d . start &
honcho=$!
trap 'kill -TERM $honcho 2>/dev/null; wait $honcho' INT TERM
# Print where everything is once the web server answers.
$PY manage.py demo_urls --wait --port "$PUBLIC_PORT"
wait $honcho
