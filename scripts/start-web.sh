#!/usr/bin/env bash
# The web process of a deployment: migrate (idempotent; also creates the periodic tasks), then
# gunicorn. The image's default command (scripts/Dockerfile, docker-compose.yml's web) and the
# production test (tests/production/) run it. BIND (default 0.0.0.0:8000) and WEB_CONCURRENCY
# (gunicorn workers, default 3) may be set.
set -euo pipefail
cd "$(dirname "$0")/.."
python manage.py migrate --no-input
# No control socket: it would live under $HOME (not writable in the image) and is not used.
exec gunicorn trygghet.wsgi --bind "${BIND:-0.0.0.0:8000}" --workers "${WEB_CONCURRENCY:-3}" \
  --access-logfile - --no-control-socket
