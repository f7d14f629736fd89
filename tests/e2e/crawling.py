"""A same-site crawler for the browser tests (issue 12, points 8 and 9).

``crawl(page, base_url, start, visit)`` opens ``start``, then follows every same-site link
(``<a href>``) it finds, breadth first, GET only. It skips what is not a page: logging out and
the language switch are POST forms (never followed), and links to files (PDF, calendar, CSV,
spreadsheet, JSON, the ``download`` attribute), the API and the Django admin are left out.

To keep the run short the addresses are grouped by the URL pattern they resolve to (its
namespaced name, e.g. ``meetings:meeting-detail``): at most ``per_pattern`` addresses of one
pattern are opened, the first ones met. ``visit(page, url, name)`` is called on each page opened
(after its ``load`` event) and returns a list of findings (empty: nothing wrong).
"""

from collections import deque
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from django.urls import Resolver404, resolve

PER_PATTERN = 2
# Addresses that are files, feeds or for the installation's operators, not pages of the app;
# the API (/api/: its schema is a file, its docs page a third party's) is for partners' systems.
NOT_PAGES = (
    ".pdf",
    "/pdf/",
    ".ics",
    ".csv",
    ".xlsx",
    ".json",
    "/export",
    "/admin/",
    "/feed/",
    "/api/",
)
# Pattern names never opened: they end the session or change a setting when opened.
NOT_FOLLOWED = {"logout", "set_language"}

LINKS_JS = """() => Array.from(document.querySelectorAll('a[href]'))
  .filter(a => !a.hasAttribute('download'))
  .map(a => a.href)"""


@dataclass
class Crawl:
    opened: list = field(default_factory=list)  # (url, pattern name)
    findings: dict = field(default_factory=dict)  # url -> [finding, ...]
    statuses: dict = field(default_factory=dict)  # url -> HTTP status

    @property
    def patterns(self):
        return {name for _, name in self.opened}

    def report(self, what):
        lines = [f"{what}: {len(self.findings)} of {len(self.opened)} pages opened"]
        for url, found in self.findings.items():
            lines.append(f"- {url}")
            lines.extend(f"    {f}" for f in found)
        return "\n".join(lines)


def pattern_name(path):
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def crawl(page, base_url, start, visit, per_pattern=PER_PATTERN):
    site = urlsplit(base_url).netloc
    result = Crawl()
    seen_urls = set()
    per_name = {}
    queue = deque([urlsplit(base_url + start)._replace(fragment="")])
    while queue:
        parts = queue.popleft()
        url = urlunsplit(parts)
        if url in seen_urls:
            continue
        seen_urls.add(url)
        name = pattern_name(parts.path)
        if name is None or name in NOT_FOLLOWED:
            continue
        if per_name.get(name, 0) >= per_pattern:
            continue
        per_name[name] = per_name.get(name, 0) + 1
        response = page.goto(url, wait_until="load")
        status = response.status if response else None
        result.statuses[url] = status
        result.opened.append((url, name))
        if status and status >= 500:
            result.findings[url] = [f"HTTP {status}"]
            continue
        found = visit(page, url, name)
        if found:
            result.findings[url] = found
        for href in page.evaluate(LINKS_JS):
            link = urlsplit(href)._replace(fragment="")
            if link.scheme not in ("http", "https") or link.netloc != site:
                continue
            if any(marker in link.path for marker in NOT_PAGES):
                continue
            if urlunsplit(link) not in seen_urls:
                queue.append(link)
    return result
