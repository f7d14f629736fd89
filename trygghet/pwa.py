"""The installable app (issue 16): the web app manifest and the service worker, served from the
site root so that the worker's scope is the whole site. The worker (templates/trygghet/sw.js)
keeps the form pages' static files and the incident form for a reload without a connection;
entries logged offline wait in the page's IndexedDB (static/js/offline-queue.js)."""

import hashlib
import json

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

# What the form pages load: kept by the worker when it is installed.
SHELL = [
    "vendor/bootstrap/bootstrap.min.css",
    "css/trygghet.css",
    "vendor/bootstrap/bootstrap.bundle.min.js",
    "vendor/htmx/htmx.min.js",
    "js/trygghet.js",
    "vendor/leaflet/leaflet.css",
    "vendor/leaflet/leaflet.js",
    "councils/map_widgets.css",
    "councils/map_widgets.js",
    "situation_reports/incident_form.js",
    "vendor/exifr/lite.umd.js",
    "js/offline-queue.js",
    "icons/trygghet-192.png",
]


@never_cache
def service_worker(request):
    shell = [static(name) for name in SHELL]
    # A new list of files (new hashed names in production) is a new worker, with a new cache.
    version = hashlib.sha256("\n".join(shell).encode()).hexdigest()[:12]
    source = render_to_string(
        "trygghet/sw.js",
        {
            "shell_json": json.dumps(shell),
            "version": version,
            "static_prefix": static(""),
            "offline_text": json.dumps(
                _("You are offline, and this page was not kept on this device.")
            ),
        },
    )
    response = HttpResponse(source, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response


def web_manifest(request):
    manifest = {
        "name": "Trygghet",
        "short_name": "Trygghet",
        "description": _("Log incidents and safety walk observations, also without a connection."),
        "lang": getattr(request, "LANGUAGE_CODE", "sv"),
        "start_url": reverse("home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0d6efd",
        "icons": [
            {
                "src": static(f"icons/trygghet-{size}.png"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
            }
            for size in (192, 512)
        ],
    }
    return HttpResponse(json.dumps(manifest), content_type="application/manifest+json")
