"""Browser tests: Debian's Chromium driven by Playwright against Django's live server.

Fixtures for later tests to reuse:
- ``page``: pytest-playwright's page, in /usr/bin/chromium;
- ``login_as(page, username, password)``: logs in through the real login form;
- ``assert_accessible(page)``: axe-core with the WCAG 2.1 AA tags, failing on any violation;
- ``screenshot(page, name)``: saves a PNG under var/screenshots/ to look at.
"""

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # Start in Swedish, as a Swedish municipality's browser would.
    # Reduced motion: no CSS transitions or list animations, so a test never reads a page
    # mid-animation (axe on half-faded colours, a drag that lands while items still slide).
    return {
        **browser_context_args,
        "locale": "sv-SE",
        "viewport": {"width": 1280, "height": 900},
        "reduced_motion": "reduce",
    }


@pytest.fixture(scope="session")
def base_url(live_server):
    return live_server.url


@pytest.fixture
def login_as(base_url):
    def _login(page, username, password):
        page.goto(f"{base_url}/accounts/login/")
        page.get_by_label("Användarnamn").fill(username)
        page.get_by_label("Lösenord").fill(password)
        page.get_by_role("button", name="Logga in").click()
        page.wait_for_load_state()
        return page

    return _login


_axe = Axe()


@pytest.fixture
def assert_accessible():
    def _check(page):
        results = _axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
        violations = results.response["violations"]
        assert not violations, f"axe found WCAG 2.1 AA violations on {page.url}:\n" + "\n".join(
            f"- {v['id']} ({v['impact']}): {v['help']} at "
            + ", ".join(str(n["target"]) for n in v["nodes"][:5])
            for v in violations
        )

    return _check


@pytest.fixture
def screenshot():
    def _shot(page, name):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _shot
