"""Settings for Trygghet: one module, every value from the environment.

Read through django-environ. A value that cannot be parsed (``DEBUG=maybe``) stops
start-up with ``ImproperlyConfigured`` naming the variable, instead of guessing.
"""

import ipaddress
import re
import sys
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

_BOOLEAN_WORDS = {"true", "false", "1", "0", "yes", "no", "on", "off", ""}


def env_bool(name, default):
    """A strict boolean: anything but a known word is a configuration error."""
    raw = env.str(name, default=str(default)).strip().lower()
    if raw not in _BOOLEAN_WORDS:
        raise ImproperlyConfigured(
            f"{name}={raw!r} is not a boolean: use true/false, yes/no, on/off or 1/0."
        )
    return raw in {"true", "1", "yes", "on"}


def env_int(name, default):
    try:
        return env.int(name, default=default)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number: {exc}") from None


def env_rate(name, default):
    """A rate as django-ratelimit writes it: a count per second, minute, hour or day (``10/h``)."""
    value = env.str(name, default=default).strip()
    if not re.fullmatch(r"[1-9]\d*/\d*[smhd]", value):
        raise ImproperlyConfigured(f"{name}={value!r} is not a rate such as 10/h or 100/d.")
    return value


def env_networks(name):
    """A list of IP addresses or networks (``10.0.0.5, 192.168.0.0/24``)."""
    networks = []
    for item in env.list(name, default=[]):
        try:
            networks.append(ipaddress.ip_network(item.strip(), strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"{name}: {item!r} is not an IP address or network (e.g. 10.0.0.5, 10.0.0.0/24)."
            ) from None
    return networks


DEBUG = env_bool("DEBUG", False)
# Under pytest the test database and broker come from the same variables; TESTING only relaxes
# what production demands (HTTPS cookies, a SECRET_KEY).
TESTING = env_bool("TESTING", "pytest" in sys.modules)

SECRET_KEY = env.str("SECRET_KEY", default="")
# Build steps sign nothing: an image's build (or an operator) may collect the static files and
# compile the catalogues with DEBUG off and no key. They get a random key of their own, never
# the development one; everything else still refuses to start without SECRET_KEY.
BUILD_COMMANDS = {"collectstatic", "compilemessages"}
_BUILDING = Path(sys.argv[0]).name == "manage.py" and sys.argv[1:2] in (
    [command] for command in BUILD_COMMANDS
)
if not SECRET_KEY and _BUILDING:
    import secrets

    SECRET_KEY = "build-only-" + secrets.token_urlsafe(40)
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (generate one with "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`)."
        )
    SECRET_KEY = "insecure-development-key-only-for-debug-and-tests-0123456789"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://localhost:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "django_celery_beat",
    "axes",
    "simple_history",
    "csp",
    # Before the API's apps: the first app's catalogue wins a message both translate
    # (trygghet/wording.py).
    "trygghet",
    "councils",
    "situation_reports",
    "meetings",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Scoping by municipality (trygghet.tenancy): before anything that may read a row.
    "trygghet.middleware.ScopeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a lockout into its own response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "trygghet.urls"
WSGI_APPLICATION = "trygghet.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "trygghet.context_processors.navigation",
            ],
        },
    },
]

# Checks that do not apply here, each with its reason where the setting is made.
SILENCED_SYSTEM_CHECKS = [
    # axes.W006 asks for the address in AXES_LOCKOUT_PARAMETERS: the lockout is on the user name
    # alone by design (issue 9), and the limits per address live in trygghet/login.py.
    "axes.W006",
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'trygghet.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Persistent connections: ~9x the throughput of reconnecting per request (TESTING.md).
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    # SQLite (the laptop try-out) cannot enforce "unique, nulls distinct"; PostgreSQL does.
    SILENCED_SYSTEM_CHECKS.append("models.W047")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Authentication -------------------------------------------------------------------------
AUTH_USER_MODEL = "councils.User"
AUTHENTICATION_BACKENDS = [
    # First: an address that failed too often is refused before any password is checked.
    "trygghet.login.AddressThrottleBackend",
    "axes.backends.AxesStandaloneBackend",
    # Django's password login, refused for an organisation that logs in through SSO only.
    "trygghet.sso.PasswordBackend",
    # Single sign-on (OpenID Connect, trygghet/sso.py): steps aside while OIDC_ISSUER is unset.
    "trygghet.sso.SSOBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Single sign-on through the organisation's identity provider (OpenID Connect, issue 17;
# trygghet/sso.py, README "Single sign-on"). Without OIDC_ISSUER none of it shows or applies.
# The endpoints come from <issuer>/.well-known/openid-configuration unless set here explicitly.
OIDC_ISSUER = env.str("OIDC_ISSUER", default="").rstrip("/")
OIDC_RP_CLIENT_ID = env.str("OIDC_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("OIDC_CLIENT_SECRET", default="")
if OIDC_ISSUER and not (OIDC_RP_CLIENT_ID and OIDC_RP_CLIENT_SECRET):
    raise ImproperlyConfigured("OIDC_ISSUER is set: set OIDC_CLIENT_ID and OIDC_CLIENT_SECRET too.")
OIDC_EMAIL_CLAIM = env.str("OIDC_EMAIL_CLAIM", default="email")
# Only for a provider that sends no email_verified claim and only ever sends verified addresses.
OIDC_EMAIL_ALWAYS_VERIFIED = env_bool("OIDC_EMAIL_ALWAYS_VERIFIED", False)
OIDC_PROVIDER_NAME = env.str("OIDC_PROVIDER_NAME", default="")  # the button: "Logga in med …"
OIDC_RP_SCOPES = env.str("OIDC_SCOPES", default="openid email")
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env.str("OIDC_USERINFO_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_JWKS_ENDPOINT", default="")
OIDC_OP_LOGOUT_ENDPOINT = env.str("OIDC_END_SESSION_ENDPOINT", default="")
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT_SECONDS", 10)
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_USE_PKCE = True
OIDC_STORE_ID_TOKEN = True  # the hint for the provider's logout
OIDC_AUTHENTICATION_CALLBACK_URL = "sso-callback"
OIDC_OP_LOGOUT_URL_METHOD = "trygghet.sso.provider_logout_url"
# The logout form's redirect goes on to the provider's end-session endpoint: CSP's form-action
# must allow its origin (added below).
OIDC_FORM_ACTION_ORIGINS = sorted(
    {"/".join(url.split("/")[:3]) for url in (OIDC_ISSUER, OIDC_OP_LOGOUT_ENDPOINT) if url}
)

# The proxies in front of the application (addresses or networks). Only a request from one of
# them has its X-Forwarded-For read for the client's address; with none, REMOTE_ADDR is used.
TRUSTED_PROXIES = env_networks("TRUSTED_PROXIES")

# An account is locked on its user name alone, wherever the attempts come from (behind a proxy
# every request would otherwise share one address), for a fixed pause: failures during the pause
# do not prolong it. trygghet/login.py adds the limits per client address.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "trygghet.client_ip.client_ip"
AXES_LOCKOUT_CALLABLE = "trygghet.login.lockout_response"
AXES_WHITELIST_CALLABLE = "trygghet.login.refused_for_its_address"
AXES_RESET_ON_SUCCESS = True
# Failed logins, and distinct user names failing, from one client address in an hour before
# logins from that address are paused until the hour is over (password spraying).
LOGIN_FAILURES_PER_ADDRESS = env_int("LOGIN_FAILURES_PER_ADDRESS", 50)
LOGIN_USERNAMES_PER_ADDRESS = env_int("LOGIN_USERNAMES_PER_ADDRESS", 20)
# django-ratelimit (counters in the cache: Redis when configured) sees the same client address.
RATELIMIT_IP_META_KEY = "trygghet.client_ip.client_ip"
# Answers through one share link, and from one client address, before a pause (meetings).
SHARE_LINK_REPLIES_PER_LINK = env_rate("SHARE_LINK_REPLIES_PER_LINK", "30/h")
SHARE_LINK_REPLIES_PER_ADDRESS = env_rate("SHARE_LINK_REPLIES_PER_ADDRESS", "10/h")


def env_api_rate(name, default):
    """A rate as DRF's throttles read it: a count per second, minute, hour or day (``600/m``)."""
    value = env_rate(name, default)
    if not re.fullmatch(r"[1-9]\d*/[smhd]", value):
        raise ImproperlyConfigured(f"{name}={value!r} is not a rate such as 600/m or 10000/d.")
    return value


# The API for partners' systems (trygghet.api): requests per token, all and writes.
API_REQUESTS_PER_TOKEN = env_api_rate("API_REQUESTS_PER_TOKEN", "600/m")
API_WRITES_PER_TOKEN = env_api_rate("API_WRITES_PER_TOKEN", "60/m")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["trygghet.api.auth.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["trygghet.api.auth.HasTokenScope"],
    "DEFAULT_THROTTLE_CLASSES": [
        "trygghet.api.auth.TokenRateThrottle",
        "trygghet.api.auth.TokenWriteRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "api_token": API_REQUESTS_PER_TOKEN,
        "api_token_write": API_WRITES_PER_TOKEN,
    },
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "trygghet.api.problems.problem_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Trygghet API",
    "DESCRIPTION": (
        "For partners' systems: incidents (read and log), categories, areas, meetings with "
        "their shareable agendas, upcoming events and approved situation reports of one "
        "municipality, as the token's organisation may see them. Errors are problem details "
        "(RFC 9457, application/problem+json) in the request's language (Accept-Language)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "IncidentConfidentialityEnum": "situation_reports.models.Incident.Confidentiality",
        "IncidentStatusEnum": "situation_reports.models.Incident.Status",
        "MeetingStatusEnum": "meetings.models.Meeting.Status",
        "MeetingKindEnum": "meetings.models.Kind",
        "AreaKindEnum": "councils.models.Area.Kind",
        "UpcomingEventKindEnum": "situation_reports.models.UpcomingEvent.Kind",
        "SituationReportKindEnum": "situation_reports.models.reports.ReportKind",
        "RestrictedEnum": [("restricted", "restricted")],
    },
}

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "trygghet" / "locale"]
# Dates and times follow the language, in ISO and 24-hour formats for both (trygghet/formats).
FORMAT_MODULE_PATH = ["trygghet.formats"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "staticfiles")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
MEDIA_URL = "media/"
# Uploaded files (photos, documents: trygghet/files.py) go through the default storage: local
# files under MEDIA_ROOT, or an S3-compatible store (AWS, MinIO, Ceph, ...) when S3_BUCKET is
# set. MEDIA_URL is never served: a file is only sent by a view that checked access.
S3_BUCKET = env.str("S3_BUCKET", default="")
if S3_BUCKET:
    DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env.str("S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("S3_REGION", default="") or None,
            "access_key": env.str("S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("S3_SECRET_ACCESS_KEY", default="") or None,
            # Private objects; the views stream them after their access check.
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
UPLOAD_MAX_PHOTO_BYTES = env_int("UPLOAD_MAX_PHOTO_MB", 15) * 1024 * 1024
UPLOAD_MAX_DOCUMENT_BYTES = env_int("UPLOAD_MAX_DOCUMENT_MB", 25) * 1024 * 1024
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Trygghet <noreply@trygghet.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where visitors report accessibility shortcomings (the accessibility statement, /accessibility/).
ACCESSIBILITY_CONTACT = env.str("ACCESSIBILITY_CONTACT", default="")
# Seconds an SMTP call may take: a mail server that hangs must not hold a worker (the outbox
# records the timeout and tries again later).
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)

# --- Celery ---------------------------------------------------------------------------------
# With Redis configured, Redis is the broker. Without it (a first try on a laptop) an
# embedded, file-based broker lets the worker and beat run with nothing else installed.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "celery-broker"
    for _sub in ("queue", "processed"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
        "control_folder": str(_broker_dir / "control"),
    }
elif CELERY_BROKER_URL.startswith("redis"):
    # Tasks that are not acknowledged within the visibility timeout are redelivered: keep it
    # above the longest task time limit so a slow task is not run twice while it runs.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_IGNORE_RESULT = CELERY_RESULT_BACKEND is None
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
DJANGO_CELERY_BEAT_TZ_AWARE = True

# --- Security -------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 12)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
_https = not (DEBUG or TESTING)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", _https)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", _https)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", _https)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if _https else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", _https)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", _https)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
# Leaflet tiles are the only resource that may come from elsewhere (a closed network has
# none: the map then says so). Example: https://tile.openstreetmap.org/{z}/{x}/{y}.png
MAP_TILE_URL = env.str("MAP_TILE_URL", default="")
_tile_origin = "/".join(MAP_TILE_URL.split("/")[:3]) if MAP_TILE_URL else None
# Scripts only from our own static files: no inline script, no CDN. Inline style attributes
# are allowed (Leaflet and server-rendered SVG use them); they cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"] + ([_tile_origin] if _tile_origin else []),
        "connect-src": ["'self'"],
        # The service worker and the web app manifest of the installable app (issue 16).
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'", *OIDC_FORM_ACTION_ORIGINS],
    }
}

# --- Trygghet -------------------------------------------------------------------------------
# Hours before a meeting that a reminder is e-mailed (meetings).
MEETING_REMINDER_HOURS = env_int("MEETING_REMINDER_HOURS", 24)
# Hours before a situation-group meeting that its lägesbild is compiled (situation_reports).
SITUATION_REPORT_LEAD_HOURS = env_int("SITUATION_REPORT_LEAD_HOURS", 24)
# The police's open-data events API; fetched only for municipalities that switch it on.
POLICE_EVENTS_URL = env.str("POLICE_EVENTS_URL", default="https://polisen.se/api/events")
MAP_TILE_ATTRIBUTION = env.str("MAP_TILE_ATTRIBUTION", default="© OpenStreetMap contributors")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    # A refused request (4xx) is logged as its one line, without the traceback Django 5.2
    # attaches: on the logger for django.request's 403s and 400s, on the handler for the
    # django.security.* loggers of suspicious requests. 5xx keep theirs.
    "filters": {"client_errors": {"()": "trygghet.log_filters.ClientErrorsWithoutTraceback"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["client_errors"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.request": {"filters": ["client_errors"]},
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
