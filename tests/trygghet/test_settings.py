"""Configuration: bad values stop start-up, production settings pass Django's deploy check,
the migrations match the models, the lint is clean and every Swedish message is translated."""

import os
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, **env):
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"TESTING", "DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("value", ["maybe", "2", "yes please"])
def test_it_refuses_to_start_with_a_debug_that_is_not_a_boolean(value):
    result = run_manage("check", DEBUG=value, TESTING="false")
    assert result.returncode != 0
    assert f"DEBUG={value!r} is not a boolean" in result.stderr


def test_it_refuses_to_start_in_production_without_a_secret_key():
    result = run_manage("check", DEBUG="false", TESTING="false")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_the_static_files_are_collected_with_debug_off_and_no_secret_key(tmp_path):
    """A build step (the image's, or an operator's ``manage.py collectstatic``) signs nothing:
    it needs no key, where the server does (above)."""
    result = run_manage(
        "collectstatic",
        "--no-input",
        "-v0",
        DEBUG="false",
        TESTING="false",
        STATIC_ROOT=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "staticfiles.json").exists()


def test_production_settings_pass_the_deploy_check_without_warnings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        TESTING="false",
        ALLOWED_HOSTS="trygghet.example.se",
        SECRET_KEY="a-production-secret-key-that-is-long-enough-and-random-9f8e7d6c5b4a",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_models_and_migrations_agree():
    result = run_manage("makemigrations", "--check", "--dry-run", TESTING="true")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_code_is_lint_clean():
    ruff = Path(sys.executable).with_name("ruff")
    for args in (["check", "."], ["format", "--check", "."]):
        result = subprocess.run([ruff, *args], cwd=ROOT, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


CATALOGUES = sorted(ROOT.glob("*/locale/sv/LC_MESSAGES/django.po"))


def test_there_is_a_swedish_catalogue_for_the_project_and_every_app():
    assert {p.parts[-5] for p in CATALOGUES} >= {
        "trygghet",
        "councils",
        "meetings",
        "situation_reports",
    }


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda p: p.parts[-5])
def test_every_message_has_a_swedish_translation(catalogue):
    po = polib.pofile(str(catalogue))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"untranslated in {catalogue}: {untranslated[:10]}"
    assert not fuzzy, f"fuzzy in {catalogue}: {fuzzy[:10]}"
    mo = catalogue.with_suffix(".mo")
    assert mo.exists() and mo.stat().st_mtime >= catalogue.stat().st_mtime - 1, (
        f"{mo} is older than its .po: run `make messages`"
    )


def test_a_message_means_the_same_in_every_app():
    """Django merges the apps' catalogues into one, so the same message id (in the same
    context) must have one translation; where an app means something else (a meeting is
    "inställt", an action "avbruten") it uses a context (pgettext / translate ... context)."""
    translations = {}
    clashes = []
    for catalogue in CATALOGUES:
        for entry in polib.pofile(str(catalogue)):
            key = (entry.msgctxt, entry.msgid)
            text = entry.msgstr or entry.msgstr_plural.get(0)
            first = translations.setdefault(key, (text, catalogue.parts[-5]))
            if first[0] != text:
                clashes.append(f"{key}: {first} vs {(text, catalogue.parts[-5])}")
    assert not clashes, "\n".join(clashes)


def test_djangos_form_messages_keep_djangos_wording_beside_the_api():
    """Django REST framework's catalogue words some of Django's own messages differently and
    would outrank Django's (trygghet/wording.py): the forms still say what Django says."""
    import django
    from django.utils import translation

    from trygghet.wording import DJANGO_WORDING

    own = polib.mofile(str(Path(django.__file__).parent / "conf/locale/sv/LC_MESSAGES/django.mo"))
    djangos = {entry.msgid: entry.msgstr for entry in own}
    with translation.override("sv"):
        for message in DJANGO_WORDING:
            assert translation.gettext(message) == djangos[message], message
