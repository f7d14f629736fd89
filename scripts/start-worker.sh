#!/usr/bin/env bash
# A Celery worker of a deployment (docker-compose.yml's worker and the production test).
# Run any number of them; WORKER_CONCURRENCY (default 2) processes each.
set -euo pipefail
cd "$(dirname "$0")/.."
exec celery -A trygghet worker --loglevel=INFO --concurrency="${WORKER_CONCURRENCY:-2}"
