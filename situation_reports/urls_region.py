"""The regional page: the figures of the municipalities that share with the reader, side by
side (``views.sharing``). Not under a municipality's address: it spans several."""

from django.urls import path

from .views import sharing

urlpatterns = [
    path("", sharing.region, name="region"),
    path("<slug:slug>/", sharing.region_municipality, name="region-municipality"),
]
