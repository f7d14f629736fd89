"""Browser tests: Debian's Chromium driven by Playwright against Django's live server.

Fixtures for later tests to reuse:
- ``page``: pytest-playwright's page, in /usr/bin/chromium;
- ``login_as(page, username, password)``: logs in through the real login form;
- ``assert_accessible(page)``: axe-core with the WCAG 2.1 AA tags, failing on any violation;
- ``screenshot(page, name)``: saves a PNG under var/screenshots/ to look at.
"""

import os
import threading
import urllib.request
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


class _Connections:
    """Counts the live server's open connections, so a test's end can wait for them to close.

    The browser closes with the test, but a request it started (a service worker's precache, a
    redirect's next page) goes on in the server's thread; flushing the database under it fails
    ("couldn't be flushed") or deadlocks. Counted where the server accepts a connection, in its one
    accepting thread, so a connection accepted before ours is always counted before ours returns.
    """

    def __init__(self, httpd):
        self.open = 0
        self.changed = threading.Condition()
        accept, serve = httpd.process_request, httpd.process_request_thread

        def process_request(request, client_address):
            with self.changed:
                self.open += 1
            accept(request, client_address)

        def process_request_thread(request, client_address):
            try:
                serve(request, client_address)
            finally:
                with self.changed:
                    self.open -= 1
                    self.changed.notify_all()

        httpd.process_request = process_request
        httpd.process_request_thread = process_request_thread

    def wait_until_idle(self, url):
        # One request of our own on a new connection: when it has returned, every connection the
        # server accepted before it has been counted.
        with urllib.request.urlopen(f"{url}/healthz", timeout=30) as response:
            response.read()
        with self.changed:
            if not self.changed.wait_for(lambda: self.open == 0, timeout=60):
                pytest.fail(
                    f"the live server still serves {self.open} connection(s) after the test"
                )


@pytest.fixture(scope="session")
def _live_server_connections(live_server):
    return _Connections(live_server.thread.httpd)


@pytest.fixture(autouse=True)
def _live_server_idle_at_the_end(request, _live_server_helper):
    """Before the database is flushed, the browser is gone and the live server has answered all."""
    if "live_server" not in request.fixturenames:
        yield
        return
    connections = request.getfixturevalue("_live_server_connections")
    yield
    # Set up before pytest-playwright's page and context, so torn down after they are closed;
    # a context a test opened itself (a guest's browser) is closed here.
    if "browser" in request.fixturenames:
        for context in request.getfixturevalue("browser").contexts:
            context.close()
    connections.wait_until_idle(request.getfixturevalue("live_server").url)


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
