#!/usr/bin/env bash
# The run command: environment, database, demo data, then web server, Celery worker and beat.
# Without DATABASE_URL / REDIS_URL it runs on SQLite and an embedded (file) broker under var/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
export DEBUG=${DEBUG:-true}
PORT=${PORT:-8000}
PY=.venv/bin/python
$PY manage.py migrate --no-input -v0
$PY manage.py seed_demo
mkdir -p var/log
.venv/bin/celery -A trygghet worker --loglevel=INFO --concurrency=2 >var/log/worker.log 2>&1 &
worker=$!
.venv/bin/celery -A trygghet beat --loglevel=INFO --pidfile= >var/log/beat.log 2>&1 &
beat=$!
trap 'kill $worker $beat 2>/dev/null; wait 2>/dev/null' EXIT INT TERM
cat <<MSG

  Trygghet runs at http://127.0.0.1:$PORT/   (health: http://127.0.0.1:$PORT/healthz)
  Celery worker and beat log to var/log/worker.log and var/log/beat.log.

  Demo logins (password: trygghet-demo; the Django admin at /admin/ as "drift")
    Burlöv: burlov.admin  burlov.samordnare  burlov.ledamot  burlov.partner
    Eslöv:  eslov.admin   eslov.samordnare   eslov.ledamot   eslov.partner

  Stop with Ctrl-C.
MSG
$PY manage.py runserver --noreload "0.0.0.0:$PORT"
