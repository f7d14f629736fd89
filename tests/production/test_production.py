"""Production, started the way a deployment starts it, and used through HTTP.

From a fresh copy of the checkout (what the Dockerfile's ``COPY . .`` takes, by .dockerignore)
the image's own scripts run with DEBUG off: scripts/collectstatic.sh (whitenoise's compressed
manifest storage), scripts/start-web.sh (migrate, then gunicorn), ``manage.py seed_demo`` as the
README tells an operator, scripts/start-worker.sh and scripts/start-beat.sh. A coordinator then
logs in through the real login form and works.

The PostgreSQL database is one of the test run's own, created beside the test database
(``<name>_production``) and dropped afterwards; Redis is the test run's (REDIS_URL), its queue
purged before and after. Everything listens on, and talks to, the loopback address only (the
police import points at a closed loopback port). HTTPS redirects and secure cookies are off
through the documented variables, as docker-compose.yml does for plain http://localhost.
"""

import contextlib
import ctypes
import fnmatch
import http.cookiejar
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from psycopg import sql

from tests.helpers import wait_until

pytestmark = pytest.mark.production

ROOT = Path(__file__).resolve().parents[2]
DEMO_PASSWORD = "trygghet-demo"  # councils.demo.DEMO_PASSWORD, as the README documents it
COORDINATOR = "burlov.samordnare"
STARTUP_TIMEOUT = 600  # seconds; only stops a hung start (migrate and seed on a busy machine)
TASK_TIMEOUT = 300
HASHED_ASSET = re.compile(r"\.[0-9a-f]{12}\.(css|js)$")
CONTENT_TYPES = {"css": {"text/css"}, "js": {"text/javascript", "application/javascript"}}


# --- A fresh copy of the checkout -------------------------------------------------------------


def dockerignore_patterns():
    patterns = []
    for line in (ROOT / ".dockerignore").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        assert not line.startswith("!"), "exceptions in .dockerignore are not mirrored here"
        patterns.append(line.rstrip("/"))
    return patterns


def ignored(relative, patterns):
    name = relative.rsplit("/", 1)[-1]
    for pattern in patterns:
        if pattern.startswith("**/"):
            if fnmatch.fnmatch(name, pattern[3:]):
                return True
        elif fnmatch.fnmatch(relative, pattern):
            return True
    return False


def copy_build_context(target):
    """Copy what ``COPY . .`` copies into the image: the checkout minus .dockerignore."""
    patterns = dockerignore_patterns()

    def ignore(directory, names):
        base = Path(directory).relative_to(ROOT).as_posix()
        prefix = "" if base == "." else f"{base}/"
        return [name for name in names if ignored(prefix + name, patterns)]

    shutil.copytree(ROOT, target, ignore=ignore, symlinks=True)


# --- The database of the production copy ------------------------------------------------------


class ProductionDatabase:
    def __init__(self):
        db = settings.DATABASES["default"]
        if db["ENGINE"] != "django.db.backends.postgresql":
            pytest.fail("the production test needs PostgreSQL (scripts/test.sh sets DATABASE_URL)")
        self.params = {
            "host": db["HOST"] or "127.0.0.1",
            "port": db["PORT"] or 5432,
            "user": db["USER"] or "postgres",
            "password": db["PASSWORD"] or "",
        }
        self.name = f"{db['NAME'].removeprefix('test_')}_production"
        self.url = (
            f"postgres://{self.params['user']}:{self.params['password']}@"
            f"{self.params['host']}:{self.params['port']}/{self.name}"
        )

    def _admin(self, statement):
        with psycopg.connect(dbname="postgres", autocommit=True, **self.params) as conn:
            conn.execute(statement)

    def create(self):
        self.drop()
        self._admin(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.name)))

    def drop(self):
        self._admin(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.name))
        )

    def execute(self, statement, params=()):
        with psycopg.connect(dbname=self.name, autocommit=True, **self.params) as conn:
            cursor = conn.execute(statement, params)
            return cursor.fetchall() if cursor.description else cursor.rowcount


# --- Processes --------------------------------------------------------------------------------

try:
    _libc = ctypes.CDLL("libc.so.6", use_errno=True)
except OSError:  # not glibc: the finally below still stops everything
    _libc = None
PR_SET_PDEATHSIG = 1


def _die_with_the_test():
    # Runs in the child before exec: if the test process is killed outright (no finally), the
    # kernel sends SIGTERM to the service too. The scripts exec, so the service keeps it.
    if _libc is not None:
        _libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class Processes:
    """The services of the copy, each in a process group of its own, logging to a file."""

    def __init__(self, cwd, env, logs):
        self.cwd, self.env, self.logs = cwd, env, logs
        self.running = {}

    def start(self, name, *command):
        with open(self.logs / f"{name}.log", "w") as log:
            self.running[name] = subprocess.Popen(
                command,
                cwd=self.cwd,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_the_test,
            )

    def run(self, name, *command, timeout=STARTUP_TIMEOUT, env=None):
        """Run a one-off command (collectstatic, seed_demo) to its end; fail with its output."""
        try:
            result = subprocess.run(
                command,
                cwd=self.cwd,
                env=self.env if env is None else env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired as exc:
            pytest.fail(f"{name} did not finish in {timeout} s:\n{exc.output}")
        (self.logs / f"{name}.log").write_text(result.stdout + result.stderr)
        if result.returncode != 0:
            pytest.fail(f"{name} failed ({result.returncode}):\n{result.stdout}{result.stderr}")
        return result.stdout

    def log(self, name):
        path = self.logs / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def check_alive(self):
        for name, process in self.running.items():
            if process.poll() is not None:
                pytest.fail(f"{name} exited ({process.returncode}):\n{self.log(name)[-4000:]}")

    def wait_for(self, condition, what, timeout=STARTUP_TIMEOUT, interval=0.25):
        """Poll ``condition`` until it returns something true; fail when a service dies or
        after ``timeout`` (which only stops a hung test) with the services' logs."""

        def ready():
            result = condition()
            if not result:
                self.check_alive()
            return result

        return wait_until(
            ready,
            timeout=timeout,
            interval=interval,
            message=what,
            details=lambda: "\n".join(f"--- {n}\n{self.log(n)[-2000:]}" for n in self.running),
        )

    def stop(self):
        for name, process in reversed(self.running.items()):
            group = process.pid  # start_new_session: the process leads its own group
            with contextlib.suppress(ProcessLookupError):
                os.killpg(group, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(group, signal.SIGKILL)
                process.wait()
            # Children left behind (gunicorn or Celery pool processes) go with their group.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(group, signal.SIGKILL)
            print(f"--- {name} (exit {process.returncode})\n{self.log(name)[-1500:]}")


# --- A browser without a browser --------------------------------------------------------------


class PageParser(HTMLParser):
    """Links, stylesheets, scripts and forms (with the values a browser would submit)."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.links, self.stylesheets, self.scripts, self.forms = [], [], [], []
        self._form = self._select = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = {key: value or "" for key, value in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "link" and "stylesheet" in a.get("rel", "").split():
            self.stylesheets.append(a["href"])
        elif tag == "script" and a.get("src"):
            self.scripts.append(a["src"])
        elif tag == "form":
            self._form = {"action": a.get("action", ""), "fields": []}
            self.forms.append(self._form)
        elif self._form is not None:
            self._form_field(tag, a)

    def _form_field(self, tag, a):
        if tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in a:
                self._select["selected"] = value
        elif not a.get("name"):
            return
        elif tag == "input":
            kind = a.get("type", "text").lower()
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            if kind not in {"submit", "button", "file"}:
                self._form["fields"].append((a["name"], a.get("value", "")))
        elif tag == "textarea":
            self._form["fields"].append((a["name"], ""))
        elif tag == "select":
            self._select = {"name": a["name"], "first": None, "selected": None}

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None and self._form is not None:
            select = self._select
            value = select["first"] if select["selected"] is None else select["selected"]
            self._form["fields"].append((select["name"], value or ""))
            self._select = None
        elif tag == "form":
            self._form = None

    def form(self, *, field=None, action_ending=None):
        for form in self.forms:
            if field and field in dict(form["fields"]):
                return form
            if action_ending and form["action"].endswith(action_ending):
                return form
        pytest.fail(f"no form with {field or action_ending!r} on the page")


@dataclass
class Response:
    status: int
    url: str
    headers: object
    body: bytes

    @property
    def text(self):
        return self.body.decode("utf-8", errors="replace")

    @property
    def page(self):
        return PageParser(self.text)

    @property
    def content_type(self):
        return (self.headers.get("Content-Type") or "").split(";")[0].strip()


class Browser:
    """Cookies, CSRF and redirects as a browser has them; no proxy (loopback only)."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}), urllib.request.HTTPCookieProcessor(self.cookies)
        )

    def cookie(self, name):
        return next((c.value for c in self.cookies if c.name == name), None)

    def url(self, path):
        return urllib.parse.urljoin(self.base_url + "/", path)

    def _open(self, request):
        try:
            with self.opener.open(request, timeout=60) as response:
                return Response(
                    response.status, response.geturl(), response.headers, response.read()
                )
        except urllib.error.HTTPError as error:
            return Response(error.code, error.geturl(), error.headers, error.read())

    def get(self, path):
        return self._open(urllib.request.Request(self.url(path)))

    def post(self, path, fields):
        data = urllib.parse.urlencode(fields).encode()
        return self._open(urllib.request.Request(self.url(path), data=data, method="POST"))

    def log_in(self, username, password=DEMO_PASSWORD):
        """GET the login form (CSRF cookie and token), POST it, follow the redirects."""
        form_page = self.get("/accounts/login/")
        assert form_page.status == 200
        assert self.cookie("csrftoken"), "the login form sets no CSRF cookie"
        form = form_page.page.form(field="username")
        fields = dict(form["fields"])
        assert fields.get("csrfmiddlewaretoken"), "the login form has no CSRF token"
        fields.update(username=username, password=password)
        response = self.post(form["action"] or "/accounts/login/", fields)
        assert response.status == 200, response.text[:2000]
        assert self.cookie("sessionid"), "logging in through the form did not log in"
        return response


# --- The deployment ---------------------------------------------------------------------------


@dataclass
class Production:
    base_url: str
    processes: Processes
    database: ProductionDatabase

    def browser(self):
        return Browser(self.base_url)


def service_environment(database, logs):
    bin_dir = str(Path(sys.executable).parent)  # python, gunicorn and celery of the virtualenv
    shared_data = os.environ.get("TRYGGHET_SHARED_DATA") or str(ROOT.parent / "shared" / "data")
    return {
        "PATH": f"{bin_dir}:{os.environ.get('PATH', '/usr/bin:/bin')}",
        "HOME": str(logs),
        "LANG": "C.UTF-8",
        "PYTHONUNBUFFERED": "1",
        "DEBUG": "false",
        "TESTING": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": "http://127.0.0.1",
        "DATABASE_URL": database.url,
        "REDIS_URL": settings.CELERY_BROKER_URL,
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "EMAIL_URL": "consolemail://",
        # Plain HTTP on the loopback address, as docker-compose.yml sets for http://localhost.
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        # Nothing leaves the machine: the police import would meet a closed port.
        "POLICE_EVENTS_URL": "http://127.0.0.1:9/api/events",
        "MAP_TILE_URL": "",
        "TRYGGHET_SHARED_DATA": shared_data,
        "BIND": "127.0.0.1:0",  # gunicorn picks a free port and logs it
        "WEB_CONCURRENCY": "2",
        "WORKER_CONCURRENCY": "1",
    }


def purge_queue():
    from trygghet.celery import app

    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge("celery")


def http_status(url):
    try:
        with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(url, timeout=10):
            return 200
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.fail("the production test needs Redis (scripts/test.sh sets REDIS_URL)")
    base = tmp_path_factory.mktemp("production")
    app, logs = base / "app", base / "logs"
    logs.mkdir()
    copy_build_context(app)
    database = ProductionDatabase()
    processes = Processes(app, service_environment(database, logs), logs)
    purge_queue()
    try:
        processes.run("collectstatic", "scripts/collectstatic.sh")
        database.create()
        processes.start("web", "scripts/start-web.sh")
        port = processes.wait_for(
            lambda: re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", processes.log("web")),
            "gunicorn to listen",
        ).group(1)
        base_url = f"http://127.0.0.1:{port}"
        processes.wait_for(lambda: http_status(f"{base_url}/healthz") == 200, "/healthz")
        processes.run("seed_demo", "python", "manage.py", "seed_demo")
        # Beat sends a task that is due at once: the reminder sweep (every 15 minutes), made
        # overdue. (A crontab task would not do: beat only loads those due within hours.)
        overdue = database.execute(
            "UPDATE django_celery_beat_periodictask SET last_run_at = now() - interval '2 days'"
            " WHERE name = 'Send meeting reminders'"
        )
        assert overdue == 1, "migrate did not create the periodic tasks"
        processes.start("worker", "scripts/start-worker.sh")
        processes.start("beat", "scripts/start-beat.sh")
        processes.wait_for(lambda: " ready." in processes.log("worker"), "the worker")
        yield Production(base_url, processes, database)
    finally:
        processes.stop()
        database.drop()
        purge_queue()


# --- Tests ------------------------------------------------------------------------------------


def first_link(response, pattern):
    for href in response.page.links:
        if re.fullmatch(pattern, urllib.parse.urlparse(href).path):
            return href
    pytest.fail(f"no link matching {pattern} on {response.url}")


def css_references(stylesheet_url, css):
    for ref in re.findall(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)", css):
        if not ref.startswith(("data:", "#")):
            yield urllib.parse.urljoin(stylesheet_url, ref)


def test_a_coordinator_logs_in_and_every_page_loads_its_styles_and_scripts(production):
    browser = production.browser()
    start = browser.log_in(COORDINATOR)
    assert urllib.parse.urlparse(start.url).path == "/burlov/"
    meetings = browser.get("/burlov/meetings/")
    reports = browser.get("/burlov/reports/")
    pages = {
        "start page": start,
        "incident list": browser.get("/burlov/incidents/"),
        "incident map": browser.get("/burlov/incidents/map/"),
        "meeting": browser.get(first_link(meetings, r"/burlov/meetings/\d+/")),
        "lägesbild": browser.get(first_link(reports, r"/burlov/reports/\d+/")),
        "action plan": browser.get(
            first_link(browser.get("/burlov/action-plans/"), r"/burlov/action-plans/\d+/")
        ),
    }
    # The public page and the accessibility statement answer without login, DEBUG off too.
    anonymous = production.browser()
    pages["public page"] = anonymous.get("/burlov/public/")
    pages["accessibility statement"] = anonymous.get("/accessibility/")
    assets = set()
    for name, page in pages.items():
        assert page.status == 200, f"{name}: {page.status} {page.url}"
        assert page.content_type == "text/html", name
        parsed = page.page
        assert parsed.stylesheets and parsed.scripts, f"{name} links no styles or scripts"
        assets.update(urllib.parse.urljoin(page.url, href) for href in parsed.stylesheets)
        assets.update(urllib.parse.urljoin(page.url, href) for href in parsed.scripts)

    names = " ".join(sorted(assets))
    for vendored in ("vendor/bootstrap/bootstrap.min.", "vendor/leaflet/leaflet."):
        assert vendored in names, f"no page linked {vendored}"
    checked = []
    for url in sorted(assets):
        path = urllib.parse.urlparse(url).path
        assert path.startswith("/static/"), url
        match = HASHED_ASSET.search(path)
        assert match, f"{url} is not from the manifest (hashed) storage"
        response = browser.get(url)
        assert response.status == 200, url
        assert response.content_type in CONTENT_TYPES[match.group(1)], (url, response.content_type)
        # Hashed names never change content: whitenoise lets browsers keep them for good.
        assert "immutable" in response.headers.get("Cache-Control", ""), url
        if match.group(1) == "css":
            for ref in css_references(url, response.text):
                assert browser.get(ref).status == 200, f"{ref} (named by {url})"
        checked.append(path)
    assert len(checked) >= 6


def test_debug_is_off(production):
    browser = production.browser()
    missing = browser.get("/no-such-page/at-all/")
    assert missing.status == 404
    assert "URLconf" not in missing.text and "Traceback" not in missing.text


def test_the_deploy_checks_pass_with_the_https_defaults(production):
    # As the README says: behind a TLS proxy, with the *_SECURE variables at their defaults.
    processes = production.processes
    env = {k: v for k, v in processes.env.items() if not k.endswith(("_SECURE", "_REDIRECT"))}
    output = processes.run(
        "check-deploy",
        "python",
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env=env,
    )
    assert "no issues" in output


def test_a_lagesbild_compiled_on_demand_is_compiled_by_the_worker(production):
    browser = production.browser()
    browser.log_in(COORDINATOR)
    listing = browser.get("/burlov/reports/")
    form = listing.page.form(action_ending="/reports/new/")
    response = browser.post(form["action"], form["fields"])
    assert response.status == 200, response.text[:2000]
    report_id = int(re.search(r"/burlov/reports/(\d+)/$", response.url).group(1))

    # The page polls this until the report is ready (htmx); so does the test, bounded.
    def compiled():
        response = browser.get(f"/burlov/reports/{report_id}/status/")
        return response if response.status == 204 else None

    status = production.processes.wait_for(
        compiled, "the worker to compile the report", timeout=TASK_TIMEOUT, interval=0.5
    )
    assert status.headers.get("HX-Refresh") == "true"
    [(state, compiled_at, task_id)] = production.database.execute(
        "SELECT status, compiled_at, task_id FROM situation_reports_situationreport WHERE id = %s",
        (report_id,),
    )
    assert state == "draft" and compiled_at is not None
    assert task_id, "the report was not compiled by a task"
    assert f"[{task_id}] succeeded" in production.processes.log("worker")
    assert browser.get(f"/burlov/reports/{report_id}/").status == 200


def test_beat_sends_due_tasks_to_the_worker(production):
    processes = production.processes
    processes.wait_for(
        lambda: "Sending due task Send meeting reminders" in processes.log("beat"),
        "beat to send the overdue task",
        timeout=TASK_TIMEOUT,
    )
    processes.wait_for(
        lambda: re.search(
            r"meetings\.tasks\.send_due_reminders\[[^\]]+\] succeeded", processes.log("worker")
        ),
        "the worker to run it",
        timeout=TASK_TIMEOUT,
    )


def test_health_and_readiness_answer_200(production):
    browser = production.browser()
    for path in ("/healthz", "/readyz"):
        response = browser.get(path)
        assert response.status == 200, (path, response.text)
        body = json.loads(response.body)
        assert body["database"]["ok"] and body["broker"]["ok"], (path, body)
