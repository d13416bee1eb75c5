"""Django settings for the Twelve-Factor Scorecard Portal — read only from the environment.

Every value comes from an environment variable through the helpers in ``portal.env``; a bad
value stops start-up with one clear sentence (``ImproperlyConfigured``). ``.env.example`` lists
every variable.

The embedded default: with no ``DATABASE_URL`` the portal runs on a SQLite file under ``var/``
with Celery tasks executed in-process, so ``python manage.py score_repo .`` and the quick demo
work with no configuration at all. Only in that mode may ``SECRET_KEY`` be left unset: a random
key is generated per process (sessions do not survive a restart) and a warning is printed.
As soon as ``DATABASE_URL`` points at a real database — a deployment — and ``DEBUG`` is false,
``SECRET_KEY`` is required. No key is ever written in the code.

``DEBUG`` defaults to false, so the HTTPS settings (SSL redirect, secure cookies, HSTS) are on
by default; for the plain-http local demo set ``DEBUG=true`` or turn them off one by one.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key

from portal.env import envbool, envcron, envint, envlist, envstr
from portal.logging import logging_config
from portal.sso import sso_settings

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = envbool("DEBUG", default=False)


def _database() -> tuple[dict, bool]:
    """The database from ``DATABASE_URL``; the embedded SQLite file when unset (True = embedded)."""
    url = envstr("DATABASE_URL")
    if not url:
        var_dir = BASE_DIR / "var"
        var_dir.mkdir(exist_ok=True)
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": var_dir / "portal.sqlite3"}, True
    try:
        config = dj_database_url.parse(
            url,
            conn_max_age=envint("DB_CONN_MAX_AGE", default=60, minimum=0),
            conn_health_checks=True,
        )
    except (ValueError, dj_database_url.UnknownSchemeError) as exc:
        raise ImproperlyConfigured(
            f"DATABASE_URL is not a database URL this portal can use ({exc})."
        ) from None
    if "postgresql" in config["ENGINE"]:
        # PostgreSQL's JIT compiles any query its planner costs high, such as the dashboard's
        # aggregates over 10,000 services: 25-110 ms of compiling for queries that then run
        # in 10-60 ms (bench/README.md). Page queries are short; compiling never pays back.
        options = config.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c jit=off".strip()
    return config, False


_default_database, EMBEDDED_DEFAULT = _database()
DATABASES = {"default": _default_database}


def _secret_key() -> str:
    key = envstr("SECRET_KEY")
    if key:
        return key
    if not DEBUG and not EMBEDDED_DEFAULT:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is false and DATABASE_URL is set."
        )
    # Logging is not configured yet while settings load: stderr is the one channel there is.
    print(
        "warning: SECRET_KEY is not set; using a random per-process key "
        "(set SECRET_KEY to keep sessions across restarts and processes).",
        file=sys.stderr,
    )
    return get_random_secret_key()


SECRET_KEY = _secret_key()
# True while the key above was generated on the fly (the system checks report it for deploys).
SECRET_KEY_IS_EPHEMERAL = not envstr("SECRET_KEY")

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles so runserver serves static files the way production does.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "scorecards",
]

MIDDLEWARE = [
    # First: load-balancer probes must not depend on ALLOWED_HOSTS or the HTTPS redirect.
    "portal.middleware.ProbeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # A NUL in any query string is a 400 here, not a database error in whichever view reads it.
    "portal.untrusted.UnstorableQueryMiddleware",
    # Content Security Policy and Permissions-Policy (Django 5.2 has no CSP of its own).
    "portal.headers.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # An account with no role sees no page (scorecards/no_role.py, docs/security.md).
    "scorecards.no_role.NoRoleNoAccessMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "portal.metrics.RequestMetricsMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
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

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Static files: collected at image build time, served by whitenoise from the app process.
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Sessions live in the database, never in process memory or local files (factor VI).
SESSION_ENGINE = "django.contrib.sessions.backends.db"


def _caches() -> dict:
    """Shared counters (sign-in throttling): Redis from ``CACHE_URL``; per-process memory
    when unset, which is enough for the one-process demo but not for several web workers."""
    url = envstr("CACHE_URL")
    if not url:
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    if not url.startswith(("redis://", "rediss://")):
        raise ImproperlyConfigured(f"CACHE_URL must be a redis:// or rediss:// URL, not {url!r}.")
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "portal",
        }
    }


CACHES = {
    **_caches(),
    # Whole-history aggregates of the dashboard and factor guide (scorecards/web/history_cache.py)
    # are keyed by a data version read from the database, so they never need sharing: memory
    # of each process, nothing to reach over the network and nothing to fail.
    "history": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "history"},
}
CACHE_IS_SHARED = bool(envstr("CACHE_URL"))

# HTTPS: production-safe unless DEBUG; each can be turned off on its own for plain-http setups.
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", default=False)
# Behind a TLS-terminating proxy (ingress, load balancer) that sets X-Forwarded-Proto.
if envbool("TRUST_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No script reads either cookie: htmx posts the form's own csrfmiddlewaretoken field.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# Lax, not Strict: the single sign-on callback is a top-level navigation from the identity
# provider's site, and it needs the session that holds the OIDC state.
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# The HSTS preload list only takes registrable domains (example.com), which a portal's own host
# rarely is; SECURE_HSTS_PRELOAD=true opts in where it is. Without this, check --deploy would
# warn about preload on every deployment that has decided not to.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

# Sign-in throttling (scorecards/sign_in_throttle.py): after this many failed password sign-ins
# for one username, or from one client address, within the window, further attempts are refused
# for the lockout period. Counted in the cache above (CACHE_URL), shared by every web process.
LOGIN_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", default=5, minimum=1)
LOGIN_FAILURE_LIMIT_PER_IP = envint("LOGIN_FAILURE_LIMIT_PER_IP", default=20, minimum=1)
LOGIN_FAILURE_WINDOW_SECONDS = envint("LOGIN_FAILURE_WINDOW_SECONDS", default=900, minimum=1)
LOGIN_LOCKOUT_SECONDS = envint("LOGIN_LOCKOUT_SECONDS", default=900, minimum=1)
# Proxies whose X-Forwarded-For names the client (the same variable gunicorn reads); "*" trusts
# whatever connects, for a pod reachable only through its ingress.
FORWARDED_ALLOW_IPS = envlist("FORWARDED_ALLOW_IPS", default=["127.0.0.1"])

# Celery: no broker means tasks run in-process (the embedded default); a URL means a real broker.
CELERY_BROKER_URL = envstr("CELERY_BROKER_URL")
CELERY_RESULT_BACKEND = envstr("CELERY_RESULT_BACKEND") or None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = CELERY_TASK_ALWAYS_EAGER
# A task a killed worker never acknowledged is handed to another worker after this long.
# Running workers look for such tasks every 10 s (unacked_restore_interval) and really scan
# on every look: kombu's default throttle of 10 makes that once in 100 s.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": envint("CELERY_VISIBILITY_TIMEOUT", default=3600, minimum=1),
    "unacked_restore_throttle": 1,
}
# One queue per source, plus scoring and webhooks (portal/queues.py, docs/scaling.md).
CELERY_TASK_ROUTES = ("portal.queues.route_task",)
CELERY_TASK_DEFAULT_QUEUE = "scoring"
# The queues themselves are declared in portal/celery.py: kombu's Queue is not imported here,
# so commands that never send a task (score_repo) do not load kombu.
# Beat's own bookkeeping file: a scratch location, so a read-only image filesystem works.
CELERY_BEAT_SCHEDULE_FILENAME = envstr(
    "CELERY_BEAT_SCHEDULE_FILENAME",
    default=str(Path(tempfile.gettempdir()) / "celerybeat-schedule"),
)

# Full rescans: when the beat process enqueues them (wired into Celery in a later issue).
SCAN_SCHEDULE = envcron("SCAN_SCHEDULE", default="0 3 * * *")

# Sources. Each is on when its configuration is present; with none, the bundled demo
# organisation (DEMO_ORGANISATION: repos/ with one folder per repository, aws/ and kubernetes/
# offline exports) is scanned from disk through the same collectors.
GITHUB_TOKEN = envstr("GITHUB_TOKEN")
GITHUB_APP_ID = envstr("GITHUB_APP_ID")
GITHUB_APP_PRIVATE_KEY = envstr("GITHUB_APP_PRIVATE_KEY")
GITHUB_ORGS = envlist("GITHUB_ORGS")
GITHUB_INCLUDE_ARCHIVED = envbool("GITHUB_INCLUDE_ARCHIVED", default=False)
GITHUB_INCLUDE_FORKS = envbool("GITHUB_INCLUDE_FORKS", default=False)
GITHUB_WEBHOOK_SECRET = envstr("GITHUB_WEBHOOK_SECRET")
GITHUB_API_URL = envstr("GITHUB_API_URL", default="https://api.github.com").rstrip("/")
# Per network operation: a GitHub that stops answering costs this, times the retries.
GITHUB_TIMEOUT_SECONDS = envint("GITHUB_TIMEOUT_SECONDS", default=30, minimum=1)
AWS_REGIONS = envlist("AWS_REGIONS")
AWS_ROLE_ARNS = envlist("AWS_ROLE_ARNS")
AWS_ENDPOINT_URL = envstr("AWS_ENDPOINT_URL")
# Tries per AWS call (adaptive retries: throttling slows the client down before it gives up).
AWS_MAX_ATTEMPTS = envint("AWS_MAX_ATTEMPTS", default=10, minimum=1)
# Air-gapped: AWS CLI JSON exports instead of the APIs (docs/aws-offline.md).
AWS_OFFLINE_DIR = envstr("AWS_OFFLINE_DIR")
KUBECONFIG = envstr("KUBECONFIG")
KUBE_CONTEXTS = envlist("KUBE_CONTEXTS")
KUBE_NAMESPACES = envlist("KUBE_NAMESPACES")
# Air-gapped: `kubectl get -o json` exports instead of the clusters (docs/kubernetes-offline.md).
KUBE_OFFLINE_DIR = envstr("KUBE_OFFLINE_DIR")
LOCAL_REPOSITORIES = envlist("LOCAL_REPOSITORIES")
DEMO_ORGANISATION = envstr("DEMO_ORGANISATION", default=str(BASE_DIR / "demo"))
# Where `load_demo` writes the demo account's generated password (gitignored var/).
DEMO_CREDENTIALS_FILE = envstr(
    "DEMO_CREDENTIALS_FILE", default=str(BASE_DIR / "var" / "demo-credentials")
)

# Service discovery: which AWS tags and Kubernetes labels name services and their teams.
SERVICE_TAG_KEYS = envlist("SERVICE_TAG_KEYS", default=["service", "app", "application"])
TEAM_TAG_KEYS = envlist("TEAM_TAG_KEYS", default=["team", "owner"])
SERVICE_LABEL_KEYS = envlist("SERVICE_LABEL_KEYS", default=["app.kubernetes.io/name", "app"])
TEAM_LABEL_KEYS = envlist("TEAM_LABEL_KEYS", default=["team", "app.kubernetes.io/team", "owner"])
# Whether discovery may create the teams that repositories (catalog-info.yaml owner, CODEOWNERS,
# topics), AWS tags and Kubernetes labels name. Off: services are assigned to existing teams
# only (made in the admin), so a repository cannot add teams. The bundled demo always may.
DISCOVERY_CREATE_TEAMS = envbool("DISCOVERY_CREATE_TEAMS", default=False)
# A scan still queued or running after this many seconds is considered lost (worker killed).
SCAN_TIMEOUT_SECONDS = envint("SCAN_TIMEOUT_SECONDS", default=3600, minimum=60)
# A scan run in-process (no broker) that has not moved for this long is dead (its request was
# killed): it is failed as "abandoned" and the next trigger starts a new one.
SCAN_HEARTBEAT_TIMEOUT_SECONDS = envint("SCAN_HEARTBEAT_TIMEOUT_SECONDS", default=600, minimum=30)

# Prometheus scrapes /metrics with this bearer token; unset, the endpoint answers 404.
METRICS_TOKEN = envstr("METRICS_TOKEN")

# Webhooks (scorecards/webhooks). GitHub signs each delivery with GITHUB_WEBHOOK_SECRET (above);
# bodies over WEBHOOK_MAX_BYTES are refused unread (GitHub caps its payloads at 25 MB).
WEBHOOK_MAX_BYTES = envint("WEBHOOK_MAX_BYTES", default=25 * 1024 * 1024, minimum=1024)
# Delivery ids are remembered this long to recognise redeliveries, then pruned.
WEBHOOK_RETENTION_DAYS = envint("WEBHOOK_RETENTION_DAYS", default=14, minimum=1)
# Bearer token of /webhooks/rescan (CI systems, cloud events); unset, the hook answers 404.
RESCAN_TOKEN = envstr("RESCAN_TOKEN")
# Report pull-request scores back to GitHub (check run, or commit status); off by default
# because it writes to repositories.
PR_FEEDBACK = envbool("PR_FEEDBACK", default=False)
# SVG badges readable without a token or a session (to embed them in READMEs).
BADGES_PUBLIC = envbool("BADGES_PUBLIC", default=False)

# --- Single sign-on: OpenID Connect (portal/sso.py, docs/sso.md) ---------------------------
# Off unless OIDC_CLIENT_ID is set: then "Sign in with OIDC_PROVIDER_NAME" joins the password
# form, which stays for break-glass accounts unless PASSWORD_LOGIN=false. With OIDC_ISSUER the
# endpoints below stay empty and are discovered on first use, never at import time.
_sso = sso_settings()
OIDC_ENABLED = _sso["OIDC_ENABLED"]
PASSWORD_LOGIN = _sso["PASSWORD_LOGIN"]
AUTHENTICATION_BACKENDS = _sso["AUTHENTICATION_BACKENDS"]
OIDC_ISSUER = _sso["OIDC_ISSUER"]
OIDC_PROVIDER_NAME = _sso["OIDC_PROVIDER_NAME"]
# Names read by mozilla-django-oidc.
OIDC_RP_CLIENT_ID = _sso["OIDC_RP_CLIENT_ID"]
OIDC_RP_CLIENT_SECRET = _sso["OIDC_RP_CLIENT_SECRET"]
OIDC_RP_SCOPES = _sso["OIDC_RP_SCOPES"]
OIDC_RP_SIGN_ALGO = _sso["OIDC_RP_SIGN_ALGO"]
OIDC_OP_AUTHORIZATION_ENDPOINT = _sso["OIDC_OP_AUTHORIZATION_ENDPOINT"]
OIDC_OP_TOKEN_ENDPOINT = _sso["OIDC_OP_TOKEN_ENDPOINT"]
OIDC_OP_USER_ENDPOINT = _sso["OIDC_OP_USER_ENDPOINT"]
OIDC_OP_JWKS_ENDPOINT = _sso["OIDC_OP_JWKS_ENDPOINT"]
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10
# Claims to roles and teams, applied on every single sign-on (scorecards/sso/claims.py).
OIDC_GROUPS_CLAIM = _sso["OIDC_GROUPS_CLAIM"]
OIDC_ROLE_MAP = _sso["OIDC_ROLE_MAP"]
OIDC_TEAM_CLAIM_PREFIX = _sso["OIDC_TEAM_CLAIM_PREFIX"]
# --- end of single sign-on ------------------------------------------------------------------

LOG_LEVEL = envstr("LOG_LEVEL", default="INFO").upper()
LOGGING = logging_config(LOG_LEVEL)
