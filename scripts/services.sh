#!/usr/bin/env bash
# Makes sure PostgreSQL and Redis answer on 127.0.0.1 and that Debian's Chromium and
# docker-compose are there: starts them when installed, installs them (apt, as root) when not.
# Exits non-zero when a service cannot be had: tests never silently skip a missing service.
set -uo pipefail

log() { echo "services: $*"; }
have_apt() { command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; }
apt_updated=
apt_install() {
  have_apt || { log "cannot install $* (needs apt-get as root)"; return 1; }
  if [ -z "$apt_updated" ]; then apt-get update -qq >/dev/null && apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
pg_answers() { pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; }
redis_answers() { [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = PONG ]; }
wait_for() { for _ in $(seq 1 30); do "$@" && return 0; sleep 1; done; return 1; }

# PostgreSQL
if ! command -v pg_isready >/dev/null 2>&1 || ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
  log "installing PostgreSQL"; apt_install postgresql || exit 1
  fresh_pg=1
fi
if ! pg_answers; then
  log "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n1)" main start || true
  wait_for pg_answers || { log "PostgreSQL does not answer on 127.0.0.1:5432"; exit 1; }
fi
if [ -n "${fresh_pg:-}" ]; then
  # A fresh Debian cluster asks for a password on TCP: give the postgres role the one the
  # default DATABASE_URL uses (with trust auth, as on the CI machines, it is not asked for).
  su postgres -c "psql -qc \"ALTER ROLE postgres PASSWORD 'postgres'\"" || exit 1
fi

# Redis
if ! command -v redis-server >/dev/null 2>&1; then
  log "installing Redis"; apt_install redis-server || exit 1
fi
if ! redis_answers; then
  log "starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
  wait_for redis_answers || { log "Redis does not answer on 127.0.0.1:6379"; exit 1; }
fi

# Chromium for the browser tests, fonts and Pango for WeasyPrint, gettext for messages,
# poppler for reading PDFs back, Debian's docker-compose to validate docker-compose.yml
# (`docker-compose config` needs no Docker engine).
missing=()
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
command -v msgfmt >/dev/null 2>&1 || missing+=(gettext)
# pdftotext and pdfinfo read the PDFs the tests produce.
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"; apt_install "${missing[@]}" || exit 1
fi
log "PostgreSQL, Redis, Chromium and docker-compose are ready"
