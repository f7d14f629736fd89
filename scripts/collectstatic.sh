#!/usr/bin/env bash
# Collects the static files for production into STATIC_ROOT (default var/staticfiles): always
# with DEBUG off, i.e. whitenoise's compressed manifest storage that production serves from.
# Run by scripts/Dockerfile at build time and by the production test (tests/production/).
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBUG=false TESTING=false
# The build needs no real key: nothing is signed while collecting files.
export SECRET_KEY=${SECRET_KEY:-collectstatic-only}
exec python manage.py collectstatic --no-input --clear -v0
