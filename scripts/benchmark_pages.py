"""Benchmark harness (issue 18; not a test): the important pages served as in production, each
as a ratio of a trivial view measured in the same run. Printed, never asserted.

1. **Data**, built once and reused by later runs: the demo (Burlöv and Eslöv, ``seed_demo``),
   100,000 incidents in *Benchmarkby* (``benchmark_incident_list.setup``), and with
   ``--national`` all 290 municipalities with every police event of the shared file.
2. **Production mode**: ``scripts/collectstatic.sh`` (whitenoise's compressed manifest storage)
   into a temporary ``STATIC_ROOT``, then gunicorn with 2 workers and DEBUG off, with the
   project's settings and one trivial view added (``benchmark_settings``, ``benchmark_urls``).
3. **Load**: ``wrk`` on loopback (``-t2 -c8``, ``--seconds`` each, gzip accepted as a browser
   does), logged in with a real session; its Lua ``done`` hook prints requests/s, median and
   p95 latency.
4. **Queries**: each page once more in-process (Django's test client), its query count.

Run against a PostgreSQL database of your own (Redis as in development):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/trygghet_bench \\
        .venv/bin/python scripts/benchmark_pages.py [--seconds 5] [--national] [--only list]

``wrk`` is Debian's package ``wrk`` (``apt-get install wrk``). The table's ``ratio`` is the
page's requests/s divided by the trivial view's: the goal of issue 18 is ≥ 0.30 for the start
page, the incident list, a meeting page, a lägesbild page and the share page.
"""

import argparse
import datetime
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts"
# The harness and its gunicorn share the key (the session cookie it makes is theirs) and the
# settings (the trivial view's address).
os.environ.setdefault("SECRET_KEY", "benchmark-" + secrets.token_urlsafe(40))
os.environ["DJANGO_SETTINGS_MODULE"] = "benchmark_settings"
sys.path.insert(0, str(SCRIPTS))

import benchmark_common  # noqa: E402, F401  (sets Django up)
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_scopes import scopes_disabled  # noqa: E402

LUA = """
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "p50_ms": %.2f, "p95_ms": %.2f, "errors": %d, '
    .. '"non_2xx": %d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, errors, summary.errors.status))
end
"""


# --- Data ---------------------------------------------------------------------------------------


def build_data(national):
    import benchmark_incident_list

    from councils.models import Municipality
    from situation_reports.services import police

    call_command("migrate", verbosity=0)
    if not Municipality.objects.filter(slug="burlov").exists():
        print("Seeding the demo (once)...", flush=True)
        call_command("seed_demo", verbosity=0)
    benchmark_incident_list.setup(100_000)
    if national and Municipality.objects.count() < 290:
        print("Loading 290 municipalities and their police events (once)...", flush=True)
        call_command("load_municipalities", verbosity=0)
        started = time.monotonic()
        summary = police.import_events(police.load_events(police.shared_events_file()))
        print(f"  {summary.imported} events in {time.monotonic() - started:.0f} s", flush=True)


def pages():
    """The pages of the table: (name, address, username)."""
    from councils.models import Municipality, User
    from meetings import services as meeting_services
    from meetings.models import Meeting
    from situation_reports.models import SituationReport

    burlov = Municipality.objects.get(slug="burlov")
    meeting = (
        Meeting.objects.filter(municipality=burlov, agenda_items__isnull=False)
        .order_by("-start")
        .first()
    )
    report = (
        SituationReport.objects.filter(municipality=burlov, status="approved")
        .order_by("-period_end")
        .first()
        or SituationReport.objects.filter(municipality=burlov).order_by("-pk").first()
    )
    coordinator = "burlov.samordnare"
    _link, token = meeting_services.create_share_link(
        created_by=User.objects.get(username=coordinator),
        label="Benchmark",
        expires_at=timezone.now() + datetime.timedelta(hours=2),
        meeting=meeting,
    )
    return [
        ("trivial view", "/_benchmark/trivial/", None),
        ("login page", "/accounts/login/", None),
        ("start page", "/burlov/", coordinator),
        ("incident list (Burlöv)", "/burlov/incidents/", coordinator),
        ("incident list (100,000)", "/benchmarkby/incidents/", "benchmark.samordnare"),
        ("incident list, page 1,000", "/benchmarkby/incidents/?page=1000", "benchmark.samordnare"),
        (
            "incident list, free text",
            "/benchmarkby/incidents/?q=nummer+4711",
            "benchmark.samordnare",
        ),
        (
            "map data (5,000 of 100,000)",
            "/benchmarkby/incidents/map/data.json",
            "benchmark.samordnare",
        ),
        ("meeting page", meeting.get_absolute_url(), coordinator),
        ("lägesbild page", report.get_absolute_url(), coordinator),
        ("share page", f"/share/{token}/", None),
    ]


def session_cookies(usernames):
    """A logged-in session per person, as a Cookie header (the sessions are in the database)."""
    from councils.models import User

    cookies = {}
    for username in usernames:
        client = Client()
        client.force_login(User.objects.get(username=username))
        cookies[username] = (
            f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        )
    return cookies


def query_counts(table, cookies):
    from councils.models import User

    counts = {}
    for name, url, username in table:
        client = Client()
        if username:
            client.force_login(User.objects.get(username=username))
        client.get(url)  # the caches a page keeps, filled
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        counts[name] = len(queries) if response.status_code == 200 else None
    return counts


# --- Production mode ----------------------------------------------------------------------------


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def production_env(static_root, port):
    env = {
        **os.environ,
        "DEBUG": "false",
        "TESTING": "false",
        "DJANGO_SETTINGS_MODULE": "benchmark_settings",
        "PYTHONPATH": f"{SCRIPTS}:{ROOT}",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "STATIC_ROOT": str(static_root),
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "EMAIL_URL": "consolemail://",
    }
    return env


def start_gunicorn(env, port, workers):
    bin_dir = Path(sys.executable).parent
    subprocess.run(
        ["bash", str(SCRIPTS / "collectstatic.sh")],
        env={**env, "PATH": f"{bin_dir}:{env['PATH']}"},
        check=True,
    )
    process = subprocess.Popen(
        [
            str(bin_dir / "gunicorn"),
            "trygghet.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--no-control-socket",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    for _ in range(600):  # until it answers (or dies)
        if process.poll() is not None:
            sys.exit(f"gunicorn stopped with {process.returncode}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_benchmark/trivial/", timeout=1)
            return process
        except OSError:  # refused, reset or timed out while the workers boot
            time.sleep(0.1)  # a benchmark's own wait for its server, not a test
    sys.exit("gunicorn did not answer")


def status_of(port, url, cookie):
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{url}", headers={"Cookie": cookie or ""}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except TimeoutError:
        return "no answer in 30 s"


def wrk(port, url, cookie, seconds, lua):
    command = ["wrk", "-t2", "-c8", f"-d{seconds}s", "--timeout", "10s", "-s", lua]
    command += ["-H", "Accept-Encoding: gzip", "-H", "Accept-Language: sv"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{url}"], capture_output=True, text=True, check=True
    ).stdout
    result = json.loads(output.strip().splitlines()[-1])
    result["rps"] = result["requests"] / result["seconds"]
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=5, help="Per page (default 5).")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--national", action="store_true", help="All 290 municipalities too.")
    parser.add_argument("--only", help="Only the pages whose name contains this.")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install wrk")
    if connection.vendor != "postgresql":
        sys.exit("Run it against PostgreSQL (DATABASE_URL): the figures of SQLite say nothing.")

    settings.ALLOWED_HOSTS = ["*"]  # the in-process client's "testserver"
    with scopes_disabled():  # the harness sets up across municipalities
        build_data(args.national)
        table = pages()
        if args.only:
            table = [row for row in table if row[0] == "trivial view" or args.only in row[0]]
        cookies = session_cookies({username for _n, _u, username in table if username})
        counts = query_counts(table, cookies)

    static_root = Path(tempfile.mkdtemp(prefix="trygghet-bench-static-"))
    port = free_port()
    env = production_env(static_root, port)
    server = start_gunicorn(env, port, args.workers)
    lua = static_root / "report.lua"
    lua.write_text(LUA)
    try:
        rows = []
        for name, url, username in table:
            cookie = cookies.get(username)
            print(f"  {name} ({url})", flush=True)
            status = status_of(port, url, cookie)
            if status != 200:
                rows.append((name, url, None, status))
                continue
            wrk(port, url, cookie, 1, lua)  # warm up
            rows.append((name, url, wrk(port, url, cookie, args.seconds, lua), status))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait()
        shutil.rmtree(static_root, ignore_errors=True)

    trivial = rows[0][2]["rps"]
    print(
        f"\ngunicorn, {args.workers} workers, DEBUG off, wrk -t2 -c8 -d{args.seconds}s on loopback;"
        f" trivial view {trivial:.0f} req/s\n"
    )
    print(f"{'page':30} {'req/s':>8} {'ratio':>6} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    for name, _url, result, status in rows:
        queries = counts.get(name)
        queries = "–" if queries is None else str(queries)
        if result is None:
            print(f"{name:30} answered {status}")
            continue
        flag = "" if not result["non_2xx"] and not result["errors"] else "  (errors)"
        print(
            f"{name:30} {result['rps']:8.0f} {result['rps'] / trivial:6.2f} "
            f"{result['p50_ms']:10.1f} {result['p95_ms']:8.1f} {queries:>8}{flag}"
        )


if __name__ == "__main__":
    main()
