.PHONY: run test lint format messages benchmark

# Runs Trygghet with demo data: web server, Celery worker and beat (see README).
run:
	scripts/run.sh

# Runs every test on PostgreSQL and Redis (installing/starting them if needed).
test:
	scripts/test.sh

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

format:
	.venv/bin/ruff check --fix . && .venv/bin/ruff format .

# Re-extracts the Swedish catalogues and compiles them. Translate new entries in each app's
# locale/sv/LC_MESSAGES/django.po, then run it again.
messages:
	DEBUG=true .venv/bin/python manage.py makemessages -l sv --no-location -i ".venv/*" -i "var/*" -i "static/*" -i "tests/*"
	DEBUG=true .venv/bin/python manage.py compilemessages -i ".venv"
