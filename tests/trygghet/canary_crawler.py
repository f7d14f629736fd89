"""The crawler of the canary test (``test_canary.py``): a browser without JavaScript, on the
Django test client, that opens addresses, follows links, reads files and submits forms as one
person, and hands every text it meets to a checker.

Nothing here knows the pages of Trygghet: it reads the URLconf, the HTML and the files. The
checker (``Checker`` in ``canary_world``) decides what is a leak.
"""

import contextlib
import functools
import io
import json
import re
import subprocess
import tempfile
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from django.conf import settings
from django.db import transaction
from django.test import Client, TestCase
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve

# Hosts that are this site: the test client's, and SITE_URL's (links in feeds and e-mails).
LOCAL_HOSTS = {"", "testserver", "localhost", "127.0.0.1", urlsplit(settings.SITE_URL).netloc}
SKIPPED_PREFIXES = ("/static/",)
URL_IN_TEXT = re.compile(
    r"""(?:https?://(?:testserver|localhost|127\.0\.0\.1)(?::\d+)?)?(/[^\s"'<>\\)]*)"""
)
REDIRECTS = (301, 302, 303, 307, 308)


# --- The URLconf ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    """One URL pattern of the URLconf, with the name ``reverse`` takes and its parameters."""

    route: str
    name: str  # namespaced, e.g. "situation_reports:incident-detail"; "" when unnamed
    params: tuple
    converters: tuple  # converter class names, e.g. ("SlugConverter", "IntConverter")


def url_patterns(resolver=None, prefix="", namespace=""):
    """Every pattern of the URLconf, resolvers walked recursively."""
    resolver = resolver or get_resolver()
    found = []
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            found += url_patterns(entry, route, ns)
        elif isinstance(entry, URLPattern):
            name = ""
            if entry.name:
                name = f"{namespace}:{entry.name}" if namespace else entry.name
            params = re.findall(r"<(?:(\w+):)?(\w+)>|\(\?P<(\w+)>|(\((?!\?))", route)
            # Unnamed regex groups are positional: "_arg0", "_arg1", ...
            names, converters, position = [], [], 0
            for converter, param, regex_param, positional in params:
                if positional:
                    names.append(f"_arg{position}")
                    position += 1
                else:
                    names.append(param or regex_param)
                converters.append(converter or "regex")
            names, converters = tuple(names), tuple(converters)
            found.append(Pattern(route=route, name=name, params=names, converters=converters))
    return found


FILE_ROUTE = re.compile(r"pdf|\.ics|export\.")


@functools.lru_cache(maxsize=20000)
def route_of(path):
    try:
        return resolve(path).route or ""
    except Resolver404:
        return ""


@functools.lru_cache(maxsize=20000)
def view_name(path):
    try:
        return resolve(path).view_name
    except Resolver404:
        return ""


# --- Reading HTML -----------------------------------------------------------------------------

LINK_ATTRIBUTES = {"href", "src", "hx-get", "poster", "formaction"}


@dataclass
class FormField:
    tag: str
    name: str
    type: str = ""
    value: str = ""
    checked: bool = False
    required: bool = False
    options: list = field(default_factory=list)  # (value, selected) for selects
    multiple: bool = False
    accept: str = ""
    disabled: bool = False


@dataclass
class Form:
    page: str
    method: str
    action: str
    htmx: bool = False
    enctype: str = ""
    fields: list = field(default_factory=list)

    def buttons(self):
        return [f for f in self.fields if f.tag == "button" or f.type in ("submit", "image")]


class PageParser(HTMLParser):
    """Links, forms, the htmx CSRF header and the text of script tags, from one HTML page."""

    def __init__(self, page):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.links = []
        self.forms = []
        self.csrf_header = ""
        self.script_texts = []
        self._form = None
        self._select = None
        self._option = None
        self._textarea = None
        self._script = None

    def _attrs(self, attrs):
        return {k: (v if v is not None else "") for k, v in attrs}

    def handle_starttag(self, tag, attrs):
        a = self._attrs(attrs)
        for key, value in a.items():
            is_link = key in LINK_ATTRIBUTES or key.startswith("data-")
            if is_link and value.startswith(("/", "http://", "https://", "?")):
                self.links.append(value)
        if tag == "body" and "hx-headers" in a:
            with contextlib.suppress(ValueError):
                self.csrf_header = json.loads(a["hx-headers"]).get("X-CSRFToken", "")
        if tag == "script":
            self._script = []
        if tag == "form":
            method = (a.get("method") or "get").lower()
            action = a.get("hx-post") or a.get("action") or self.page
            if a.get("hx-post"):
                method = "post"
            self._form = Form(
                page=self.page,
                method=method,
                action=urljoin(self.page, action),
                htmx=bool(a.get("hx-post")),
                enctype=a.get("enctype", ""),
            )
            self.forms.append(self._form)
            if method == "get":
                self.links.append(urljoin(self.page, a.get("action") or self.page))
            return
        if "hx-post" in a and tag != "form":
            # A button or link that posts by itself (htmx): a form of its own.
            vals = {}
            if a.get("hx-vals"):
                try:
                    vals = json.loads(a["hx-vals"])
                except ValueError:
                    vals = {}
            form = Form(page=self.page, method="post", action=urljoin(self.page, a["hx-post"]))
            form.htmx = True
            form.fields = [FormField("input", k, "hidden", str(v)) for k, v in vals.items()]
            self.forms.append(form)
        if self._form is None:
            return
        common = {
            "required": "required" in a,
            "disabled": "disabled" in a,
        }
        if tag == "input" and a.get("name"):
            self._form.fields.append(
                FormField(
                    "input",
                    a["name"],
                    (a.get("type") or "text").lower(),
                    a.get("value", ""),
                    checked="checked" in a,
                    accept=a.get("accept", ""),
                    **common,
                )
            )
        elif tag == "button" and a.get("name"):
            kind = (a.get("type") or "submit").lower()
            self._form.fields.append(FormField("button", a["name"], kind, a.get("value", "")))
        elif tag == "select" and a.get("name"):
            self._select = FormField("select", a["name"], multiple="multiple" in a, **common)
            self._form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._option = [a.get("value"), "selected" in a, []]
            self._select.options.append(self._option)
        elif tag == "textarea" and a.get("name"):
            self._textarea = FormField("textarea", a["name"], "textarea", **common)
            self._textarea_text = []
            self._form.fields.append(self._textarea)

    def handle_data(self, data):
        if self._option is not None:
            self._option[2].append(data)
        if self._textarea is not None:
            self._textarea_text.append(data)
        if self._script is not None:
            self._script.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._close_option()
            self._select = None
        elif tag == "option":
            self._close_option()
        elif tag == "textarea" and self._textarea is not None:
            # A newline right after <textarea> is not part of the value (HTML).
            value = "".join(self._textarea_text)
            self._textarea.value = value[1:] if value.startswith("\n") else value
            self._textarea = None
        elif tag == "script" and self._script is not None:
            self.script_texts.append("".join(self._script))
            self._script = None

    def _close_option(self):
        if self._option is not None:
            value, selected, text = self._option
            if value is None:
                value = "".join(text).strip()
            self._option[:] = [value, selected]
            self._option = None


# --- Reading files ----------------------------------------------------------------------------


def pdf_text(content):
    """The text of a PDF (pdftotext, poppler-utils), and its metadata (pdfinfo)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "file.pdf"
        path.write_bytes(content)
        text = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(path), "-"],
            capture_output=True,
            check=True,
        ).stdout.decode("utf-8", "replace")
        info = subprocess.run(
            ["pdfinfo", str(path)], capture_output=True, check=False
        ).stdout.decode("utf-8", "replace")
    # A long word may be broken across lines in a narrow table cell: search it joined too.
    return "\n".join([text, info, re.sub(r"\s+", "", text)])


def xlsx_text(content):
    """Every cell of every sheet (values and formulas), sheet titles and document properties."""
    import openpyxl

    parts = []
    for data_only in (False, True):
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=data_only)
        for sheet in workbook.worksheets:
            parts.append(sheet.title)
            for row in sheet.iter_rows(values_only=True):
                parts.extend(str(v) for v in row if v is not None)
        props = workbook.properties
        parts.extend(str(v) for v in vars(props).values() if isinstance(v, str))
        workbook.close()
    return "\n".join(parts)


FILE_KINDS = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "text/csv": "csv",
    "text/calendar": "ics",
    "application/json": "json",
}


def kind_of(response):
    content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
    if content_type == "text/html":
        return "html"
    return FILE_KINDS.get(content_type, content_type or "empty")


def body_of(response):
    if not hasattr(response, "_canary_content"):
        streaming = getattr(response, "streaming", False)
        response._canary_content = (
            b"".join(response.streaming_content) if streaming else response.content
        )
    return response._canary_content


def texts_of(response, kind):
    """The texts in a response, as (label, text): headers, then the body as a reader gets it."""
    headers = "\n".join(f"{k}: {v}" for k, v in response.items())
    cookies = "\n".join(f"{k}={m.value}" for k, m in response.cookies.items())
    texts = [("headers", headers + "\n" + cookies)]
    content = body_of(response)
    if kind == "pdf":
        texts.append(("pdf text", pdf_text(content)))
        texts.append(("pdf bytes", content.decode("latin-1")))
    elif kind == "xlsx":
        texts.append(("xlsx cells", xlsx_text(content)))
    else:
        texts.append(("body", content.decode("utf-8-sig", "replace")))
    return texts


# --- The crawler ------------------------------------------------------------------------------


@dataclass
class Exchange:
    """One request and its response, as the checker sees it."""

    method: str
    url: str
    sent: str  # what the visitor sent: the address and the form data, for the echo rule
    status: int
    kind: str
    response: object
    submitted: bool = False  # part of a form submission (the visitor's own input comes back)
    submitted_values: tuple = ()


@dataclass
class Limits:
    links_per_view: int = 4  # links followed per view name (beyond the URLconf's addresses)
    links_per_file_view: int = 1  # ... when the view answers with a file (PDF, export)
    file_links: bool = True  # follow links to files (PDF, export, calendar) at all
    links_per_shape: int = 2  # ... per view name and set of query parameters
    forms_per_view: int = 1  # forms submitted per view name of their action
    max_requests: int = 2500  # a visit that reaches it fails (see test_canary._shortfalls)


class Crawler:
    """One person's visit: ``open_all(urls)``, ``submit_forms(fill)``, then
    ``post_where_get_is_refused()``."""

    def __init__(self, role, check, limits=None):
        self.role = role
        self.user = user = role.user
        self.check = check  # check(crawler, exchange, texts)
        self.limits = limits or Limits()
        self.client = Client(enforce_csrf_checks=True, raise_request_exception=True)
        if user is not None:
            self.client.force_login(user)
        self.seen = set()
        self.file_views = set()
        self.forms = []
        self._form_keys = set()
        self.form_counts = Counter()
        self.link_counts = Counter()
        self.shape_counts = Counter()
        self.counts = Counter()
        self.timings = Counter()  # CPU seconds per view name (to keep the test fast)
        self.statuses = {}  # url -> status
        self.errors = []  # (method, url, exception text)
        self.submissions = []  # (form, data, status)

    # Requests, each in its own savepoint: a view that breaks the transaction does not break
    # the rest of the visit, and form submissions are rolled back so every form starts from the
    # same world (and the next person too).

    def _fetch(self, method, url, data=None, headers=None, submitted=False, values=(), echo=""):
        self.counts["requests"] += 1
        began = time.process_time()
        extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in (headers or {}).items()}
        try:
            with TestCase.captureOnCommitCallbacks(execute=True):
                if method == "get":
                    response = self.client.get(url, **extra)
                else:
                    for value in (data or {}).values():
                        if hasattr(value, "seek"):
                            value.seek(0)
                    response = self.client.post(url, data or {}, **extra)
            kind = kind_of(response)
            texts = texts_of(response, kind)
        except Exception as exc:  # a page that crashes is reported, and the visit goes on
            self.errors.append((method.upper(), url, f"{type(exc).__name__}: {exc}"[:300]))
            self.counts["errors"] += 1
            return None
        sent = "\n".join([url, urlencode(_pairs(data), doseq=True), *_uploads(data), echo])
        exchange = Exchange(
            method.upper(), url, sent, response.status_code, kind, response, submitted, values
        )
        self.check(self, exchange, texts)
        name = view_name(urlsplit(url).path) or urlsplit(url).path
        self.timings[name] += time.process_time() - began
        if kind not in ("html", "empty") and response.status_code == 200:
            self.counts[f"file:{kind}"] += 1
        return exchange, texts

    def get(self, url, *, origin="url"):
        """GET an address once, read it, remember its links and forms."""
        if url in self.seen or self.counts["requests"] >= self.limits.max_requests:
            return None
        self.seen.add(url)
        with transaction.atomic():
            result = self._fetch("get", url)
        if result is None:
            return None
        exchange, texts = result
        self.counts[origin] += 1
        self.statuses[url] = exchange.status
        return exchange, texts

    def open_all(self, urls):
        """Open every address given (the URLconf's), then follow links breadth-first."""
        queue = deque((u, "urls") for u in urls)
        while queue and self.counts["requests"] < self.limits.max_requests:
            url, origin = queue.popleft()
            result = self.get(url, origin=origin)
            if result is None:
                continue
            exchange, texts = result
            for link in self._links(exchange, texts):
                if link in self.seen or not self._within_bounds(link):
                    continue
                queue.append((link, "links"))

    def _within_bounds(self, url):
        parts = urlsplit(url)
        name = view_name(parts.path) or parts.path
        if not self.limits.file_links and FILE_ROUTE.search(route_of(parts.path)):
            return False
        shape = (name, tuple(sorted({k for k, _v in parse_qsl(parts.query)})))
        per_view = self.limits.links_per_view
        if name in self.file_views:
            per_view = self.limits.links_per_file_view
        if (
            self.link_counts[name] >= per_view
            or self.shape_counts[shape] >= self.limits.links_per_shape
        ):
            return False
        self.link_counts[name] += 1
        self.shape_counts[shape] += 1
        return True

    def _links(self, exchange, texts):
        base = exchange.url
        found = []
        response = exchange.response
        if exchange.status in REDIRECTS and response.get("Location"):
            found.append(response["Location"])
        body = texts[-1][1]
        # Pages that refuse (403, 404, 405) hold the layout's links only, met on every page.
        if exchange.kind == "html" and exchange.status == 200:
            parser = PageParser(base)
            parser.feed(body)
            found += parser.links
            for script in parser.script_texts:
                found += URL_IN_TEXT.findall(script.replace("\\/", "/").replace("\\u0026", "&"))
            self.csrf_header = parser.csrf_header or getattr(self, "csrf_header", "")
            for form in parser.forms:
                self._remember(form)
        elif exchange.kind in ("json", "ics"):
            found += [
                u
                for u in URL_IN_TEXT.findall(body.replace("\\/", "/").replace("\r\n ", ""))
                if view_name(urlsplit(u).path)
            ]
        links = []
        for raw in found:
            url = local_url(base, raw)
            if url:
                links.append(url)
        if exchange.kind not in ("html", "empty") and exchange.status == 200:
            self.file_views.add(view_name(urlsplit(exchange.url).path))
        return links

    def _remember(self, form):
        if form.method not in ("get", "post"):
            return
        action = local_url(form.page, form.action)
        if not action:
            return
        form.action = action
        names = tuple(sorted({f.name for f in form.fields if f.name != "csrfmiddlewaretoken"}))
        buttons = tuple((b.name, b.value) for b in form.buttons())
        key = (form.method, urlsplit(action).path, names, buttons)
        if key in self._form_keys:
            return
        self._form_keys.add(key)
        self.forms.append(form)

    # Forms

    def submit_forms(self, fill):
        """Submit every form met, filled by ``fill(crawler, form) -> [(data, values)]`` (one
        submission per entry; ``values`` names the canary's values used), each in a savepoint
        that is rolled back afterwards."""
        for form in list(self.forms):
            name = view_name(urlsplit(form.action).path) or urlsplit(form.action).path
            if self.form_counts[name] >= self.limits.forms_per_view:
                continue
            for data, values in fill(self, form):
                if self.counts["requests"] >= self.limits.max_requests:
                    return
                self.form_counts[name] += 1
                self._submit(form, data, values)

    def post_where_get_is_refused(self):
        """POST, with a valid CSRF token and nothing else, to every address that refused a GET
        (405): what an attacker sends without any form, e.g. withdrawing the canary by its id."""
        for url, status in list(self.statuses.items()):
            if status == 405 and self.counts["requests"] < self.limits.max_requests:
                form = Form(page=url, method="post", action=url, htmx=True)
                self._submit(form, {}, (), counter="blind posts")

    def _submit(self, form, data, values, counter=None):
        saved = {k: m.value for k, m in self.client.cookies.items()}
        self.counts[counter or f"forms:{form.method}"] += 1
        status = None
        with transaction.atomic():
            if form.method == "get":
                query = urlencode(_pairs(data), doseq=True)
                parts = urlsplit(form.action)
                url = parts.path + "?" + query
                result = self._fetch("get", url, submitted=True, values=values)
            else:
                headers = {}
                if form.htmx:
                    headers = {"HX-Request": "true", "X-CSRFToken": self._csrf_header()}
                result = self._fetch(
                    "post", form.action, data, headers, submitted=True, values=values
                )
            hops = 0
            while result is not None and hops < 3:
                exchange, texts = result
                status = status or exchange.status
                location = exchange.response.get("Location") or exchange.response.get("HX-Redirect")
                if exchange.status not in (*REDIRECTS, 200) or not location:
                    break
                url = local_url(exchange.url, location)
                if not url:
                    break
                hops += 1
                # The visitor's own input may come back on the page the form leads to.
                result = self._fetch("get", url, submitted=True, values=values, echo=result[0].sent)
            if form.method == "get" and result is not None:
                self._follow_results(result, data)
            transaction.set_rollback(True)
        self.submissions.append((form, data, status))
        # The session row was rolled back with the rest: put the cookies back as they were
        # (a submitted logout or language form must not end the visit).
        self.client.cookies.clear()
        for key, value in saved.items():
            self.client.cookies[key] = value

    def _follow_results(self, result, data):
        """From the answer to a GET form (a search, a filter): every link that carries the same
        search, one per address: the exports, the map's data, the next page of these results."""
        exchange, texts = result
        wanted = {(k, str(v)) for k, v in _pairs(data) if v not in ("", None)}
        wanted -= {(k, v) for k, v in wanted if k in ("page", "sort")}
        paths = set()
        for link in self._links(exchange, texts):
            parts = urlsplit(link)
            if parts.path in paths or not wanted <= set(parse_qsl(parts.query)):
                continue
            paths.add(parts.path)
            self._fetch("get", link, submitted=True, values=exchange.submitted_values)
            self.counts["links"] += 1

    def _csrf_header(self):
        cookie = self.client.cookies.get(settings.CSRF_COOKIE_NAME)
        return getattr(self, "csrf_header", "") or (cookie.value if cookie else "")


def _uploads(data):
    """The text of files sent (the echo rule looks at them too)."""
    return [getattr(v, "canary_text", "") for v in (data or {}).values() if hasattr(v, "read")]


def _pairs(data):
    if not data:
        return []
    if isinstance(data, dict):
        pairs = []
        for k, v in data.items():
            if hasattr(v, "read"):
                continue
            for item in v if isinstance(v, list) else [v]:
                pairs.append((k, item))
        return pairs
    return list(data)


def local_url(base, raw):
    """``raw`` made absolute against ``base``, if it is a page of this site worth opening."""
    raw = (raw or "").strip()
    if not raw or raw.startswith(("#", "javascript:", "mailto:", "tel:", "data:")):
        return None
    url = urljoin(base, raw)
    parts = urlsplit(url)
    if parts.scheme not in ("", "http", "https") or parts.netloc not in LOCAL_HOSTS:
        return None
    if not parts.path.startswith("/") or parts.path.startswith(SKIPPED_PREFIXES):
        return None
    if "{" in parts.path or "%7B" in parts.path:  # a template in a script, not an address
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")
