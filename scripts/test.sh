#!/usr/bin/env bash
# The test command: environment, services, lint, then the whole suite on PostgreSQL and Redis.
# Extra arguments go to pytest (e.g. scripts/test.sh tests/councils -x).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
scripts/services.sh
export DATABASE_URL=${TEST_DATABASE_URL:-postgres://postgres:postgres@127.0.0.1:5432/trygghet}
export REDIS_URL=${TEST_REDIS_URL:-redis://127.0.0.1:6379/0}
export CELERY_BROKER_URL=$REDIS_URL
export TESTING=true DJANGO_ALLOW_ASYNC_UNSAFE=true
echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "== pytest"
set +e
.venv/bin/python -m pytest "$@"
status=$?
set -e
if [ "$status" = 5 ]; then
  echo "pytest collected no tests: that is a failure, not a pass." >&2
  exit 1
fi
exit "$status"
