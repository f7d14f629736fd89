"""The benchmark harness's URLconf (``scripts/benchmark_pages.py``): the project's, plus the
trivial view every page is compared with. Never part of a deployment."""

from django.http import HttpResponse
from django.urls import path

from trygghet.urls import *  # noqa: F403  (the handlers too)
from trygghet.urls import urlpatterns as project_urlpatterns


def trivial(request):
    """Django's floor: the whole middleware stack, no template, no query."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("_benchmark/trivial/", trivial), *project_urlpatterns]
