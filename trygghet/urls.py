from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from . import login, pwa, sso, views, views_alerts, views_files
from .forms import PasswordResetForm

# Top-level words here are reserved: a municipality slug may not take them
# (councils.models.RESERVED_SLUGS).
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("robots.txt", views.robots_txt, name="robots-txt"),
    # The installable app (issue 16): at the root, so that the worker's scope is the whole site.
    # Neither can be a municipality's slug (a slug has no dot).
    path("sw.js", pwa.service_worker, name="service-worker"),
    path("manifest.webmanifest", pwa.web_manifest, name="web-manifest"),
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
    # Single sign-on (issue 17, trygghet/sso.py): 404 while OIDC_ISSUER is unset. Its logout
    # also ends the provider's session; before Django's own URLs, which it replaces.
    path("accounts/sso/start/", sso.StartView.as_view(), name="sso-start"),
    path("accounts/sso/callback/", sso.CallbackView.as_view(), name="sso-callback"),
    path("accounts/logout/", sso.LogoutView.as_view(), name="logout"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    # Subscriptions and alerts (issue 17): a mail's one-click unsubscribe, then the person's page.
    path("accounts/unsubscribe/<str:token>/", views_alerts.unsubscribe, name="unsubscribe"),
    *(
        path(f"<slug:municipality>/subscriptions/{tail}", view, name=name)
        for tail, view, name in (
            ("", views_alerts.subscription_list, "subscription-list"),
            ("new/", views_alerts.subscription_create, "subscription-create"),
            ("<int:pk>/edit/", views_alerts.subscription_edit, "subscription-edit"),
            ("<int:pk>/pause/", views_alerts.subscription_toggle, "subscription-toggle"),
            ("<int:pk>/delete/", views_alerts.subscription_delete, "subscription-delete"),
        )
    ),
    path("", include("meetings.urls_public")),
    path("region/", include("situation_reports.urls_region")),
    path("", views.home, name="home"),
    path("<slug:municipality>/", views.dashboard, name="dashboard"),
    path("<slug:municipality>/audit/", views.audit_trail, name="audit-trail"),
    # Files (issue 16): only through these views, which find them through their parent.
    path("<slug:municipality>/photos/<int:pk>/", views_files.photo, name="photo"),
    path(
        "<slug:municipality>/attachments/<int:pk>/",
        views_files.attachment_download,
        name="attachment",
    ),
    path(
        "<slug:municipality>/attachments/<int:pk>/delete/",
        views_files.attachment_delete,
        name="attachment-delete",
    ),
    *(
        path(
            f"<slug:municipality>/{segment}/<int:pk>/attachments/",
            views_files.attachment_add,
            {"parent": parent},
            name=f"attachment-add-{parent.replace('_', '-')}",
        )
        for segment, parent in (
            ("agreements", "agreement"),
            ("action-plans", "action_plan"),
            ("meetings", "meeting"),
            ("reports", "report"),
            ("decisions", "decision"),
        )
    ),
    path("<slug:municipality>/", include("councils.urls")),
    path("<slug:municipality>/", include("situation_reports.urls")),
    path("<slug:municipality>/", include("meetings.urls")),
]
