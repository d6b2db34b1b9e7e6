"""Release Tracker settings, read from the environment (see README, "Configuration")."""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_noop

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# DJANGO_ENV_FILE names a file of KEY=value lines (e.g. .env made from .env.example); variables already
# set in the environment win over it.
if env.str("DJANGO_ENV_FILE", default=""):
    environ.Env.read_env(env.str("DJANGO_ENV_FILE"))

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set unless DEBUG is on.")
    SECRET_KEY = "insecure-local-development-key-only-used-with-DEBUG"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Before admin: registers releases/translation.py and patches admin for side-by-side editing.
    "modeltranslation",
    "prisoners.admin_config.TrackerAdminConfig",  # django.contrib.admin with the tracker's site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.syndication",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_countries",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "tracker.apps.TrackerConfig",
    "prisoners",
    "releases",
    "people",  # above both: a person with their releases (pages, API, admin); no models
    "imports",
    "corrections",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tracker.locale.ReaderLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "tracker.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "tracker.middleware.PageThrottleMiddleware",
    "tracker.middleware.SecurityHeadersMiddleware",
    "axes.middleware.AxesMiddleware",
    # Innermost: throttles, security headers and two-factor run around a cached answer too.
    "tracker.read_cache.AnonymousReadCacheMiddleware",
    "tracker.middleware.ReleaseRenderedMiddleware",
]

# Release-day reads (tracker/read_cache.py): anonymous GETs and the stats cached under a version every write
# bumps; 0 turns a cache off (the test suite does, except the tests of the cache itself).
READ_CACHE_PAGE_SECONDS = env.int("READ_CACHE_PAGE_SECONDS", default=300)
READ_CACHE_SUMMARY_SECONDS = env.int("READ_CACHE_SUMMARY_SECONDS", default=3600)
# After a write one process computes the aggregates again; the others serve the previous numbers meanwhile, for
# at most this long if that process dies mid-way (tracker.read_cache.cached_summary, stale_while_computing).
READ_CACHE_COMPUTE_SECONDS = 60
# Under a stream of writes the aggregates are computed at most once per this many seconds (they lag by as much).
READ_CACHE_SUMMARY_REFRESH_SECONDS = env.int("READ_CACHE_SUMMARY_REFRESH_SECONDS", default=10)
# ... and by a thread, while the request that found them due is served the previous ones (the tests turn it off).
READ_CACHE_BACKGROUND_REFRESH = True
# Parallel workers for the queries of that thread (PostgreSQL): none, so a refresh takes one core, never both.
READ_CACHE_BACKGROUND_PARALLEL_WORKERS = env.int("READ_CACHE_BACKGROUND_PARALLEL_WORKERS", default=0)
# What decides who sees what is never served stale: after a write, one process computes it, the others wait for it
# this long at most (then compute it themselves).
READ_CACHE_WAIT_SECONDS = 10
# After a write that changed nobody's view, a page made less than this ago is served as it is ("recent"), in every
# language, instead of being rebuilt after each write of an editor at work; a write that changed who sees what is
# never served an older page. Pages are at most this far behind such writes (the numbers in them: the summaries'
# refresh interval).
READ_CACHE_PAGE_REFRESH_SECONDS = env.float("READ_CACHE_PAGE_REFRESH_SECONDS", default=5)
READ_CACHE_STALE_PAGE_SECONDS = 2  # a page built from those previous numbers is current only this long
READ_CACHE_VERSION_SECONDS = 0  # read the version from the cache on every request: a withheld name never lingers
READ_CACHE_APPS = ("prisoners", "releases")
READ_CACHE_SKIP_PATHS = ("/admin/", "/api/v1/imports/", "/health/", "/accounts/", "/static/", "/media/")

ROOT_URLCONF = "tracker.urls"

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

WSGI_APPLICATION = "tracker.wsgi.application"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
# The list pages' compiled queries are prepared once per connection (`tracker.api.prepared`); off behind a pooler
# that shares one server session between clients (pgbouncer in transaction mode).
PREPARE_PAGE_QUERIES = env.bool("PREPARE_PAGE_QUERIES", default=True)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while a background import writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
IS_POSTGRES = DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql")
if IS_POSTGRES:
    # Name search (prisoners.search): pg_trgm's `<%` operator matches from this word similarity on,
    # low enough for misspelt names; keep them equal to prisoners.search.MATCH_THRESHOLD and WORD_SIMILARITY_FLOOR.
    # No JIT: the visibility rules' EXISTS look costly to the planner at a million people, and compiling their plan
    # took 7.8 s of a 0.47 s query (docs/benchmarks.md).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        "-c pg_trgm.word_similarity_threshold=0.5 -c pg_trgm.similarity_threshold=0.4 -c jit=off"
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# `manage.py backup` writes JSON Lines that keep times to the microsecond.
SERIALIZATION_MODULES = {"exactjsonl": "tracker.exact_jsonl"}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages (docs/i18n.md): pages under /be/, /ru/, /uk/ and unprefixed English; the API and admin
# answer in the Accept-Language language. Catalogues in locale/, compiled by `manage.py compile_translations`.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", gettext_noop("English")),
    ("be", gettext_noop("Belarusian")),
    ("ru", gettext_noop("Russian")),
    ("uk", gettext_noop("Ukrainian")),
]
# locale/: the interface (makemessages); locale-names/: month and country names the libraries lack in Belarusian.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale-names"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# Dates and numbers per locale ("13 снежня 2025", "1 000"); our own formats per language in tracker/formats/.
FORMAT_MODULE_PATH = ["tracker.formats"]
USE_THOUSAND_SEPARATOR = True
LANGUAGE_COOKIE_NAME = "tracker_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
# Content in several languages (releases/translation.py): English is the fallback of every text.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_LANGUAGES = ("en", "be", "ru", "uk")
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
# A record created through the plain field name (`title=`) in another language also gets it as English.
MODELTRANSLATION_AUTO_POPULATE = "default"

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
# gunicorn serves static files itself through WhiteNoise; finders make it work before collectstatic.
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "media/"

LOGIN_URL = "admin:login"

# --- Staff accounts (docs/security.md) ---------------------------------------------------------
# Lockout per account and per address (django-axes); the API's token check uses the same limits.
AUTHENTICATION_BACKENDS = ["tracker.lockout.LockoutBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("LOGIN_LOCKOUT_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "tracker.client_ip.axes_client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Two-factor sign-in (TOTP) for users who may see withheld people or import records.
TWO_FACTOR_REQUIRED = env.bool("TWO_FACTOR_REQUIRED", default=False)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Release Tracker")
# A signed-in session ends SESSION_COOKIE_AGE seconds after sign-in (not renewed: no write per request).
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)

# Redis: cache and Celery broker when REDIS_URL is set; an embedded default otherwise.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    from tracker.cache import redis_cache_settings

    # Falls back to a per-process cache (logged) while Redis is down, so reads and throttles keep working.
    CACHES = {"default": redis_cache_settings(REDIS_URL)}
    CELERY_BROKER_URL = REDIS_URL
    # A dead broker answers an enqueue within seconds (the job stays pending; the watchdog sends it later).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # kombu's filesystem transport: a real worker in the background with no broker server.
    CELERY_QUEUE_DIR = Path(env.str("CELERY_QUEUE_DIR", default=str(BASE_DIR / "var" / "celery")))
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_QUEUE_DIR / "queue"),
        "data_folder_out": str(CELERY_QUEUE_DIR / "queue"),
        "processed_folder": str(CELERY_QUEUE_DIR / "processed"),
        "control_folder": str(CELERY_QUEUE_DIR / "control"),  # kombu's default is ./control
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# Bulk import (imports app): upload limit, rows per committed batch, the worker lease and its watchdog.
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=512 * 1024 * 1024)
IMPORT_BATCH_SIZE = env.int("IMPORT_BATCH_SIZE", default=2000)
IMPORT_LEASE_SECONDS = env.int("IMPORT_LEASE_SECONDS", default=30)
IMPORT_WATCHDOG_SECONDS = env.int("IMPORT_WATCHDOG_SECONDS", default=10)
IMPORT_DEFAULT_SOURCE_LIST = env.str("IMPORT_DEFAULT_SOURCE_LIST", default="import")
# One job, several workers (imports.split): a job of more rows is split into parts run in parallel, as many
# as there are worker processes (IMPORT_PARTS=0: asked of Celery; 1: never split), at most IMPORT_MAX_PARTS.
IMPORT_SPLIT_ROWS = env.int("IMPORT_SPLIT_ROWS", default=50_000)
IMPORT_PARTS = env.int("IMPORT_PARTS", default=0)
IMPORT_MAX_PARTS = env.int("IMPORT_MAX_PARTS", default=16)
# Limits that keep a hostile upload small (imports/limits.py says what each bounds; docs/security.md why).
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=5_000_000)
IMPORT_MAX_COLUMNS = env.int("IMPORT_MAX_COLUMNS", default=1_000)
IMPORT_MAX_CELL_CHARS = env.int("IMPORT_MAX_CELL_CHARS", default=32_767)
IMPORT_MAX_ROW_CHARS = env.int("IMPORT_MAX_ROW_CHARS", default=16 * 1024 * 1024)
IMPORT_XLSX_MAX_SHEET_BYTES = env.int("IMPORT_XLSX_MAX_SHEET_BYTES", default=512 * 1024 * 1024)
IMPORT_XLSX_MAX_SHARED_STRINGS_BYTES = env.int("IMPORT_XLSX_MAX_SHARED_STRINGS_BYTES", default=128 * 1024 * 1024)
IMPORT_JSON_MAX_DEPTH = env.int("IMPORT_JSON_MAX_DEPTH", default=32)
# A worker renews its lease this often while reading (default: a third of the lease).
IMPORT_HEARTBEAT_SECONDS = env.float("IMPORT_HEARTBEAT_SECONDS", default=IMPORT_LEASE_SECONDS / 3)
CELERY_BEAT_SCHEDULE = {
    "recover-stalled-imports": {"task": "imports.recover_stalled_imports", "schedule": 30.0},
}

# Default visibility of new records ("public", "anonymized" or "private").
DEFAULT_VISIBILITY = env.str("DEFAULT_VISIBILITY", default="public")
if DEFAULT_VISIBILITY not in {"public", "anonymized", "private"}:
    raise ImproperlyConfigured("DEFAULT_VISIBILITY must be public, anonymized or private.")

# Review before publishing (docs/admin.md): records an import creates, and those an editor without the
# prisoners.publish_record permission creates, are drafts, absent for the public until a second editor publishes them.
REVIEW_BEFORE_PUBLISHING = env.bool("REVIEW_BEFORE_PUBLISHING", default=True)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "tracker.api.authentication.LockoutTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["tracker.api.permissions.ModelPermissionsOrAnonReadOnly"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # DRF's JSON encoded by orjson (tracker/api/renderers.py).
    "DEFAULT_RENDERER_CLASSES": [
        "tracker.api.renderers.OrjsonRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    # Throttles per door (tracker/api/throttling.py), counting the real client behind NUM_PROXIES proxies.
    "NUM_PROXIES": env.int("NUM_PROXIES", default=0),
    "DEFAULT_THROTTLE_CLASSES": ["tracker.api.throttling.ReaderThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("ANON_THROTTLE_RATE", default="120/minute"),
        "user": env.str("USER_THROTTLE_RATE", default="1200/minute"),
        "imports": env.str("IMPORT_THROTTLE_RATE", default="60/hour"),
    },
    # 404s in the Accept-Language language (tracker/api/exceptions.py).
    "EXCEPTION_HANDLER": "tracker.api.exceptions.exception_handler",
}
# HTML pages and feeds, per client address (tracker/middleware.py); empty: off.
PAGE_THROTTLE_RATE = env.str("PAGE_THROTTLE_RATE", default="120/minute")

SPECTACULAR_SETTINGS = {
    "TITLE": "Release Tracker API",
    "DESCRIPTION": "Political prisoners, their release events, destinations and the deals behind them.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a `status` or `kind`: name each choice set after its model in the schema.
    "ENUM_NAME_OVERRIDES": {
        "PrisonerStatusEnum": "prisoners.models.PrisonerStatus",
        "DealStatusEnum": "releases.models.SanctionsDeal.Status",
        "SourceKindEnum": "prisoners.models.Source.Kind",
        "NameVariantKindEnum": "prisoners.models.NameVariant.Kind",
        "ReleaseEventKindEnum": "releases.models.ReleaseEvent.Kind",
        "VisibilityEnum": "prisoners.models.Visibility",
        "DatePrecisionEnum": "tracker.values.DatePrecision",
        "QualifierEnum": "releases.models.Qualifier",
        "PartyKindEnum": "releases.models.Party.Kind",
        "ReliefMeasureKindEnum": "releases.models.ReliefMeasure.Kind",
        "ReliefMeasureStatusEnum": "releases.models.ReliefMeasure.Status",
        "ReleaseOutcomeEnum": "releases.models.Release.Outcome",
        "GroupReleaseOutcomeEnum": "releases.models.GroupRelease.Outcome",
    },
}

if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=False)
    CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=False)

# --- HTTPS and headers (docs/security.md; .env.example turns them all on) -----------------------
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_REDIRECT_EXEMPT = [r"^health/$"]  # the load balancer polls over plain HTTP
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
if env.bool("SECURE_PROXY_SSL_HEADER", default=False):
    # Only behind a proxy that sets X-Forwarded-Proto itself (and strips the client's).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy and Permissions-Policy: tracker/middleware.py (SecurityHeadersMiddleware).

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
