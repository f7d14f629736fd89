"""Static files as production serves them: whitenoise's manifest storage, vendored libraries
unmodified and written down (static/vendor/README.md, SHA256SUMS)."""

import hashlib
import re
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "static"
VENDOR = STATIC / "vendor"
# Production uses whitenoise's CompressedManifestStaticFilesStorage (settings.py); its manifest
# half is Django's, which is what refuses a file naming a missing one. Compressing is left to
# the production test (tests/production/), which runs the real thing.
MANIFEST_STORAGE = "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
SOURCE_MAP = re.compile(r"[#@] sourceMappingURL=(\S+?)(?:\s*\*/)?\s*$", re.MULTILINE)


def test_collectstatic_with_the_manifest_storage_succeeds(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "staticfiles"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": MANIFEST_STORAGE},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    manifest = (tmp_path / "staticfiles" / "staticfiles.json").read_text()
    assert "vendor/leaflet/leaflet.js" in manifest
    assert "vendor/bootstrap/bootstrap.min.css" in manifest


def test_every_source_map_named_by_a_static_file_is_there():
    missing = []
    for path in sorted(STATIC.rglob("*")):
        if path.suffix not in {".js", ".css"}:
            continue
        for name in SOURCE_MAP.findall(path.read_text(encoding="utf-8")):
            if not (path.parent / name).is_file():
                missing.append(f"{path.relative_to(ROOT)} -> {name}")
    assert not missing


def vendored_files():
    return {
        path.relative_to(VENDOR).as_posix()
        for path in VENDOR.rglob("*")
        if path.is_file() and path.name not in {"README.md", "SHA256SUMS"}
    }


def listed_checksums():
    listed = {}
    for line in (VENDOR / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split(maxsplit=1)
        listed[name.removeprefix("./")] = digest
    return listed


def test_every_vendored_file_is_listed_with_its_checksum():
    listed = listed_checksums()
    assert set(listed) == vendored_files()
    for name, digest in listed.items():
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, name


def readme_rows():
    """(directory, version, npm package, licence) of each row of the README's table."""
    rows = []
    for line in (VENDOR / "README.md").read_text().splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 6 and cells[0].startswith("`") and cells[0].endswith("/`"):
            package = re.search(r"`([^`]+)`", cells[3]).group(1)
            rows.append((cells[0].strip("`/"), cells[2], package, cells[5]))
    return rows


# The file of each library whose header names its version.
MAIN_FILE = {
    "bootstrap": "bootstrap.bundle.min.js",
    "htmx": "htmx.min.js",
    "leaflet": "leaflet.js",
    "leaflet-geoman": "leaflet-geoman.min.js",
    "leaflet-markercluster": "leaflet.markercluster.js",
    "sortable": "Sortable.min.js",
    "exifr": "lite.umd.js",
}
# A build that names no version: the SHA-256 of its file in the npm package of the version the
# README gives (``npm pack leaflet.markercluster@1.5.3``), so another version fails here.
PUBLISHED_SHA256 = {
    ("leaflet-markercluster", "1.5.3"): (
        "1e4e1d22972a3926f48598e0caf14e3fe7049835d428a344fed4f9e3665b3508"
    ),
    ("exifr", "7.1.3"): "530dbaef11cd9d4d65f108abc159b113580eb3dbd7bc69cd1364e25dd40413f9",
}
# The licence file, as the package names it.
LICENCE_FILE = {"leaflet-markercluster": "MIT-LICENCE.txt"}


def test_the_readme_names_version_package_and_licence_of_every_vendored_library():
    rows = readme_rows()
    directories = {path.name for path in VENDOR.iterdir() if path.is_dir()}
    assert {row[0] for row in rows} == directories
    for directory, version, package, licence in rows:
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), directory
        assert package and licence, directory
        main_file = VENDOR / directory / MAIN_FILE[directory]
        if (directory, version) in PUBLISHED_SHA256:
            digest = hashlib.sha256(main_file.read_bytes()).hexdigest()
            assert digest == PUBLISHED_SHA256[directory, version], f"{directory} is not {version}"
        else:
            header = main_file.read_text(encoding="utf-8")
            assert version in header[:60_000], f"{directory} is not version {version}"
        assert (VENDOR / directory / LICENCE_FILE.get(directory, "LICENSE")).is_file()


@pytest.mark.parametrize("name", sorted(MAIN_FILE))
def test_each_library_has_its_licence_beside_it(name):
    assert (VENDOR / name / LICENCE_FILE.get(name, "LICENSE")).read_text().strip()
