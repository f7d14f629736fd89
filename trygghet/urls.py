from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from . import login, views
from .forms import PasswordResetForm

# Top-level words here are reserved: a municipality slug may not take them
# (councils.models.RESERVED_SLUGS).
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("robots.txt", views.robots_txt, name="robots-txt"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("admin/", admin.site.urls),
    path("api/", include("trygghet.api.urls")),
    path(
        "accounts/login/",
        login.LoginView.as_view(),
        name="login",
    ),
    # The reset mail goes through the outbox (trygghet/outbox.py) like every other mail.
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(form_class=PasswordResetForm),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("", include("meetings.urls_public")),
    path("region/", include("situation_reports.urls_region")),
    path("", views.home, name="home"),
    path("<slug:municipality>/", views.dashboard, name="dashboard"),
    path("<slug:municipality>/audit/", views.audit_trail, name="audit-trail"),
    path("<slug:municipality>/", include("councils.urls")),
    path("<slug:municipality>/", include("situation_reports.urls")),
    path("<slug:municipality>/", include("meetings.urls")),
]
