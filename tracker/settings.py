"""Release Tracker settings, read from the environment (see README, "Configuration")."""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set unless DEBUG is on.")
    SECRET_KEY = "insecure-local-development-key-only-used-with-DEBUG"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "prisoners.admin_site.TrackerAdminConfig",  # django.contrib.admin with the tracker's site
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
    "tracker.apps.TrackerConfig",
    "prisoners",
    "releases",
    "imports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tracker.read_cache.AnonymousReadCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

# Release-day reads (tracker/read_cache.py): anonymous GETs and the stats cached under a version every write
# bumps; 0 turns a cache off (the test suite does, except the tests of the cache itself).
READ_CACHE_PAGE_SECONDS = env.int("READ_CACHE_PAGE_SECONDS", default=300)
READ_CACHE_SUMMARY_SECONDS = env.int("READ_CACHE_SUMMARY_SECONDS", default=3600)
READ_CACHE_VERSION_SECONDS = 1
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
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        "-c pg_trgm.word_similarity_threshold=0.5 -c pg_trgm.similarity_threshold=0.4"
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
# gunicorn serves static files itself through WhiteNoise; finders make it work before collectstatic.
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "media/"

LOGIN_URL = "admin:login"

# Redis: cache and Celery broker when REDIS_URL is set; an embedded default otherwise.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {}
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
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.DjangoModelPermissionsOrAnonReadOnly"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": env.str("ANON_THROTTLE_RATE", default="120/minute")},
}

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
    },
}

if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=False)
    CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
