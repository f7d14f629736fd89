"""docker-compose.yml and the image run the scripts the production test runs
(tests/production/), and docker-compose.yml is valid: Debian's ``docker-compose config`` parses
and interpolates it without a Docker engine (scripts/services.sh installs it)."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = {
    "web": "scripts/start-web.sh",
    "worker": "scripts/start-worker.sh",
    "beat": "scripts/start-beat.sh",
}


def compose_config(tmp_path, **env):
    binary = shutil.which("docker-compose")
    if binary is None:
        pytest.fail("docker-compose is missing: scripts/services.sh installs Debian's package")
    # An empty env file: a developer's .env must not decide the outcome.
    env_file = tmp_path / "empty.env"
    env_file.write_text("")
    environment = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"} | env
    return subprocess.run(
        [binary, "--env-file", str(env_file), "-f", "docker-compose.yml", "config"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def service_blocks(config):
    """{service name: its text} of ``docker-compose config``'s normalised output."""
    services = re.split(r"^services:\n", config, maxsplit=1, flags=re.MULTILINE)[1]
    services = re.split(r"^\S", services, maxsplit=1, flags=re.MULTILINE)[0]
    return dict(re.findall(r"^  (\w+):\n((?:    .*\n|\n)*)", services + "\n", re.MULTILINE))


def test_docker_compose_yml_is_valid_and_runs_the_scripts(tmp_path):
    result = compose_config(tmp_path, SECRET_KEY="only-for-the-test")
    assert result.returncode == 0, result.stderr
    blocks = service_blocks(result.stdout)
    assert set(blocks) == {"db", "redis", "minio", "bucket", "web", "worker", "beat"}
    for service, script in SCRIPTS.items():
        assert f"- {script}\n" in blocks[service], f"{service} does not run {script}"
        assert 'DEBUG: "false"' in blocks[service]
    assert "/healthz" in blocks["web"], "the web container's health check is /healthz"
    # Photos and documents in the S3-compatible store, its bucket made before the app starts.
    for service in ("web", "worker"):
        assert "S3_BUCKET: trygghet" in blocks[service]
        assert "S3_ENDPOINT_URL: http://minio:9000" in blocks[service]
        assert "service_completed_successfully" in blocks[service]
    assert "mb --ignore-existing" in blocks["bucket"]


def test_docker_compose_refuses_to_start_without_a_secret_key(tmp_path):
    result = compose_config(tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_the_image_collects_static_files_and_starts_the_web_process_with_the_scripts():
    dockerfile = (ROOT / "scripts" / "Dockerfile").read_text()
    assert re.search(r"^RUN scripts/collectstatic\.sh$", dockerfile, re.MULTILINE)
    assert re.search(r'^CMD \["scripts/start-web\.sh"\]$', dockerfile, re.MULTILINE)
    assert "manage.py collectstatic" not in dockerfile, "collect through the script only"


@pytest.mark.parametrize("script", ["scripts/collectstatic.sh", *SCRIPTS.values()])
def test_the_scripts_are_executable(script):
    path = ROOT / script
    assert path.is_file() and os.access(path, os.X_OK), script
    assert path.read_text().startswith("#!/usr/bin/env bash\n")


@pytest.mark.django_db
def test_migrate_s_post_migrate_handlers_need_no_municipality_in_scope():
    # `manage.py migrate` on a fresh database runs them with no scope active (the tests' own
    # database is migrated under the session's scopes_disabled, which hid this).
    from django.core.management.sql import emit_post_migrate_signal
    from django_scopes import scope

    with scope():
        emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
