"""Benchmark (not a test): the offline incident form's weight and the time to sync its queue
(issue 16).

Migrates, seeds Burlöv's people (``seed_demo --only councils``, once) and the categories, starts
the application on a free port of 127.0.0.1 (``manage.py runserver``, the development server,
``DEBUG=true``: it serves the static files) and drives Debian's Chromium (Playwright) against
it, as Burlöv's coordinator:

- **page weight**: the incident form on a first visit, with everything it loads (bytes as
  served, and gzipped at level 6 as a compressing proxy would send them), and a second visit
  once the service worker holds the static files (what still comes from the network);
- **sync**: ``--entries`` entries logged offline (one through the form, the rest copies of it
  in the queue, each with its own key and text), then the connection back: the time from the
  ``online`` event to the end of the sync it starts (each entry one POST, in order), ``--runs``
  times, median and slowest.

Prints the figures; asserts nothing about time. The incidents it saves are deleted again.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/trygghet_bench DEBUG=true \\
        .venv/bin/python scripts/benchmark_offline.py [--entries 50] [--runs 3]
"""

import argparse
import gzip
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import benchmark_common  # noqa: F401  (Django set up first)
from django.core.management import call_command
from django_scopes import scopes_disabled

from councils.demo import DEMO_PASSWORD
from councils.models import User
from situation_reports.models import Incident
from situation_reports.services.categories import ensure_default_categories

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
USERNAME = "burlov.samordnare"
FORM = "/burlov/incidents/new/"
MARK = "Benchmark offline"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server():
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env={**os.environ, "DEBUG": "true"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        if server.poll() is not None:
            raise SystemExit("The development server stopped while starting.")
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=2).close()
            return server, url
        except urllib.error.HTTPError:
            return server, url  # it answers (a degraded broker is 200 too; 503 still answers)
        except OSError:
            if time.monotonic() > deadline:
                server.terminate()
                raise SystemExit("The development server did not answer in 60 s.") from None
            time.sleep(0.2)


def weigh(responses):
    """(count, bytes, gzipped bytes) of the GET responses the network answered."""
    count = raw = packed = 0
    for response in responses:
        if response.request.method != "GET" or not response.ok:
            continue
        try:
            body = response.body()
        except Exception:  # no body to read (a redirect, an answer from the worker's cache)
            continue
        count += 1
        raw += len(body)
        packed += len(gzip.compress(body, 6))
    return count, raw, packed


def synced_after(page, action):
    """Runs ``action`` and waits for the sync it starts to end (``data-synced`` changes)."""
    before = page.locator("#offline-queue").get_attribute("data-synced")
    action()
    page.wait_for_function(
        "b => document.getElementById('offline-queue').dataset.synced !== b",
        arg=before,
        timeout=600_000,
    )


def queue_entries(page, entries, run):
    """One entry through the form while offline, and ``entries - 1`` copies in the queue."""
    page.get_by_label("Kategori").select_option(label="Klotter")
    page.get_by_label("Beskrivning").fill(f"{MARK} {run}-0.")
    page.get_by_role("button", name="Spara", exact=True).click()
    page.locator("#offline-queue-list > li").first.wait_for()
    page.evaluate(
        """([count, mark]) => TrygghetQueue.entries().then(es => {
             const first = es[0];
             const copies = [];
             for (let i = 1; i < count; i++) copies.push(Object.assign({}, first, {
               key: crypto.randomUUID(), created: first.created + i,
               fields: first.fields.map(
                 f => f[0] === 'description' ? [f[0], mark + ' ' + i + '.'] : f)
             }));
             return copies.reduce((p, e) => p.then(() => TrygghetQueue.put(e)), Promise.resolve())
               .then(() => TrygghetQueue.render());
           })""",
        [entries, f"{MARK} {run}-"],
    )
    page.wait_for_function(
        "n => document.querySelectorAll('#offline-queue-list > li').length === n", arg=entries
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    call_command("migrate", verbosity=0)
    with scopes_disabled():
        if not User.objects.filter(username=USERNAME).exists():
            call_command("seed_demo", only=["councils"], verbosity=0)
        ensure_default_categories()
        Incident.objects.filter(description__startswith=MARK).delete()

    server, url = start_server()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
            )
            context = browser.new_context(locale="sv-SE", viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.goto(f"{url}/accounts/login/")
            page.get_by_label("Användarnamn").fill(USERNAME)
            page.get_by_label("Lösenord").fill(DEMO_PASSWORD)
            page.get_by_role("button", name="Logga in").click()
            page.wait_for_url(lambda address: "/accounts/login/" not in address)

            # A first visit: a page of its own, so that only the form's responses count.
            first = context.new_page()
            responses = []
            first.on("response", lambda response: responses.append(response))
            first.goto(f"{url}{FORM}")
            first.wait_for_load_state("networkidle")
            count, raw, packed = weigh(responses)
            # The worker installed: what a second visit still takes from the network.
            first.wait_for_function("() => !!navigator.serviceWorker.controller")
            responses.clear()
            first.reload()
            first.wait_for_load_state("networkidle")
            # The page comes from the network through the worker (network first); the static
            # files from its cache.
            pages = [r for r in responses if r.request.resource_type == "document"]
            page_weight = weigh(pages)
            cached = sum(
                1
                for r in responses
                if r.request.resource_type != "document" and r.from_service_worker
            )
            first.close()

            times = []
            page.goto(f"{url}{FORM}")
            page.locator("#offline-queue[data-synced]").wait_for(state="attached")
            for run in range(args.runs):
                context.set_offline(True)
                queue_entries(page, args.entries, run)
                page.evaluate(
                    """() => window.addEventListener(
                         'online', () => { window.t0 = performance.now(); }, {once: true})"""
                )
                synced_after(page, lambda: context.set_offline(False))
                times.append(page.evaluate("() => performance.now() - window.t0"))
                left = page.locator("#offline-queue-list > li").count()
                if left:
                    raise SystemExit(f"{left} entries were not sent.")
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)

    with scopes_disabled():
        saved = Incident.objects.filter(description__startswith=MARK)
        total = saved.count()
        duplicates = total - saved.values("client_key").distinct().count()
        saved.delete()
    expected = args.entries * args.runs
    print(
        f"Offline form, first visit: {count} responses, {raw / 1024:.0f} KiB, "
        f"{packed / 1024:.0f} KiB gzipped"
    )
    print(
        f"Offline form, second visit: the page {page_weight[1] / 1024:.0f} KiB "
        f"({page_weight[2] / 1024:.0f} KiB gzipped) from the network, {cached} static files "
        "from the service worker's cache"
    )
    print(
        f"Sync of {args.entries} queued entries: median {statistics.median(times):.0f} ms, "
        f"slowest {max(times):.0f} ms over {args.runs} run(s) "
        f"({statistics.median(times) / args.entries:.0f} ms an entry); "
        f"{total} of {expected} saved, {duplicates} duplicates"
    )


if __name__ == "__main__":
    main()
