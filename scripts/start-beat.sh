#!/usr/bin/env bash
# Celery beat of a deployment (docker-compose.yml's beat and the production test). Run exactly
# one: the schedules live in the database (django-celery-beat), so it needs no pid or state file.
set -euo pipefail
cd "$(dirname "$0")/.."
exec celery -A trygghet beat --loglevel=INFO --pidfile=
