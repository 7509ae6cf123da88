"""Settings for Cohésion, read from the environment.

The embedded default (no variable set, DEBUG on through `make run`) runs on SQLite with
Celery on kombu's filesystem transport. Production sets DATABASE_URL, REDIS_URL,
SECRET_KEY and ALLOWED_HOSTS; with DEBUG off the site refuses to start without a secret.
"""

import os
from datetime import timedelta
from importlib.util import find_spec
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_str(name, default=None):
    value = os.environ.get(name, "").strip()
    return value if value else default


def env_bool(name, default=False):
    value = env_str(name)
    if value is None:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {value!r}")


def env_int(name, default):
    value = env_str(name)
    try:
        return default if value is None else int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc


def env_list(name, default=()):
    value = env_str(name)
    return [item.strip() for item in value.split(",") if item.strip()] if value else list(default)


# The embedded default (no DATABASE_URL: SQLite in var/) is a workstation: it runs with no
# variable at all. Any other configuration is a deployment: DEBUG is off unless asked, and
# the site refuses to start without SECRET_KEY.
EMBEDDED_DEFAULT = env_str("DATABASE_URL") is None
DEBUG = env_bool("DEBUG", default=EMBEDDED_DEFAULT)

SECRET_KEY = env_str("SECRET_KEY")
if SECRET_KEY is None:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is required when DEBUG is off. Set it in the environment "
            "(for local development, `make run` sets DEBUG=true)."
        )
    # Development only: a key that is useless anywhere else.
    SECRET_KEY = "django-insecure-development-only-key"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "axes",
    "rules.apps.AutodiscoverRulesConfig",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "jobs",
    "territories",
    "portal.accounts",
    "portal.knowledge",
    "portal.committees",
    "observatory",
    "portal.pagecache",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "portal.middleware.RefuseNullCharactersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Anonymous visitors are answered from kept pages, kept compressed: before GZip.
    "portal.pagecache.middleware.AnonymousPageCacheMiddleware",
    # Pages and API answers compressed (a commune-level page is 5–10 times smaller). Django
    # masks its CSRF token anew in every response, which is what BREACH would target.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.FrenchFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "portal.pagecache.people.KeptPersonAuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "portal.middleware.KeptPolicyCSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # A rate-limited view's refusal becomes the 429 page (RATELIMIT_VIEW).
    "django_ratelimit.middleware.RatelimitMiddleware",
    # Last, as django-axes asks: it turns a locked-out request into the lockout page.
    "axes.middleware.AxesMiddleware",
    # Logged-in readers of pages kept per audience: after authentication and CSRF (each
    # reader's own token is put in), inside GZip (each answer compressed).
    "portal.pagecache.middleware.AudiencePageCacheMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "portal.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'cohesion.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Web, worker and beat share the file: wait for locks instead of failing at once.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-cohesion.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    # django-axes first, so that a locked-out client is refused before any check.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# django-leaflet's bundled Leaflet, without installing the app: its admin module imports
# GeoDjango (GDAL), which the portal does not need.
STATICFILES_DIRS = [BASE_DIR / "static", Path(find_spec("leaflet").origin).parent / "static"]
STORAGES = {
    "default": {"BACKEND": "portal.storage.MediaStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
WHITENOISE_USE_FINDERS = DEBUG

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:profile"

# Accounts: django-allauth, e-mail login, confirmed e-mail addresses.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_UNIQUE_EMAIL = True
# Nobody learns whether an address has an account: sign-up and password reset answer the
# same either way, and the address's owner gets an e-mail saying what happened.
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Cohésion] "
# Its e-mails link to SITE_URL, as the portal's own do (portal.links).
ACCOUNT_ADAPTER = "portal.accounts.adapter.AccountAdapter"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"

# Login throttling: django-axes locks a login (per address and IP) after repeated failures.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "portal.accounts.selectors.login_attempt_username"
AXES_LOCKOUT_TEMPLATE = "account/lockout.html"
AXES_RESET_ON_SUCCESS = True
# Reverse proxies in front: each rate limit reads the client's address the same way.
PROXY_COUNT = env_int("PROXY_COUNT", 0)
AXES_IPWARE_PROXY_COUNT = PROXY_COUNT or None
ALLAUTH_TRUSTED_PROXY_COUNT = PROXY_COUNT
AXES_VERBOSE = False
# allauth's rate limits (kept in the cache): logins and login failures per client across
# accounts (password spraying; axes locks one account per client), password reset and
# sign-up per client and per address (the confirmation and « already registered » e-mails
# have a cool-down per address). Over a limit, allauth answers 429 with templates/429.html.
ACCOUNT_RATE_LIMITS = {
    "login": env_str("RATE_LIMIT_LOGIN", "30/m/ip"),
    "login_failed": f"{env_int('LOGIN_FAILURES_PER_CLIENT_PER_HOUR', 30)}/h/ip",
    "reset_password": env_str("RATE_LIMIT_PASSWORD_RESET", "20/m/ip,5/m/key"),
    "signup": env_str("RATE_LIMIT_SIGNUP", "20/m/ip"),
}
# The search pages, per client (django-ratelimit, portal.ratelimits): someone reading
# results and clicking facets stays far below; a scraper does not. The load benchmark,
# which drives them from one address, raises it.
RATE_LIMIT_SEARCH = env_str("RATE_LIMIT_SEARCH", "60/m")
RATELIMIT_VIEW = "portal.errors.too_many_requests"
RATELIMIT_IP_META_KEY = "portal.ratelimits.client_address"

INVITATION_VALIDITY = timedelta(days=env_int("INVITATION_VALIDITY_DAYS", 14))
# How long the author of a forum post may still delete it; after that a coordinator hides it.
COMMITTEES_POST_DELETE_MINUTES = env_int("COMMITTEES_POST_DELETE_MINUTES", 15)

# E-mail: the console by default, SMTP when EMAIL_HOST is set.
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Cohésion <ne-pas-repondre@cohesion.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = 20
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# Celery: Redis in production, kombu's filesystem transport on the embedded default.
REDIS_URL = env_str("REDIS_URL")
BROKER_DIR = VAR_DIR / "broker"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        # Broadcast messages (worker pings); kombu's default is ./control in the cwd.
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
        "polling_interval": 0.1,
    }
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 25 * 60)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 30 * 60)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing gives up quickly: the job stays recorded and the sweep sends it later.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_TIMEZONE = TIME_ZONE
# Beat keeps its last run times beside the other runtime files, wherever VAR_DIR puts them.
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "jobs-sweep": {"task": "jobs.sweep", "schedule": 30.0},
    # Curators hear every morning of published resources past their review date.
    "knowledge-remind-stale": {
        "task": "knowledge.remind_stale",
        "schedule": crontab(hour=7, minute=0),
    },
    # What people chose to receive as a daily digest, before the working day.
    # A place offered from a meeting's waiting list and not confirmed in time passes on.
    "committees-expire-offers": {"task": "committees.expire_offers", "schedule": 300.0},
    # Meetings' reminders (each sent once, never late in a misleading way).
    "committees-meeting-reminders": {
        "task": "committees.send_meeting_reminders",
        "schedule": 300.0,
    },
    # The observatory's campaign reminders (opening, a week before, last day): each sent
    # once, never after its moment; hourly so that a worker down for a while catches up.
    "observatory-campaign-reminders": {
        "task": "observatory.send_campaign_reminders",
        "schedule": 3600.0,
    },
    "notifications-send-digests": {
        "task": "notifications.send_digests",
        "schedule": crontab(hour=7, minute=30),
    },
}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# A job not started after this delay is sent again by the sweep.
JOBS_RESEND_AFTER = timedelta(seconds=env_int("JOBS_RESEND_AFTER_SECONDS", 120))
JOBS_MAX_ATTEMPTS = 5
WORKER_HEARTBEAT_SECONDS = 10
# A running job whose worker has given no heartbeat for this long is taken up again by the
# sweep (every 30 s), so a killed worker's work resumes within about a minute.
WORKER_LOST_AFTER = timedelta(seconds=WORKER_HEARTBEAT_SECONDS * 3)


def redis_cache(url):
    """Redis as the cache, answering « nothing cached » rather than failing when Redis is
    away (see portal.cache)."""
    return {
        "BACKEND": "portal.cache.TolerantRedisCache",
        "LOCATION": url,
        "OPTIONS": {
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": 0.5,
            "SOCKET_TIMEOUT": 0.5,
        },
    }


DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
CACHES = {
    "default": (
        redis_cache(REDIS_URL)
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Pages and fragments kept (portal.pagecache): renewed at every committed write that may show
# on a page; this bounds only what changes with time alone. 0 turns keeping off, as it is by
# default without Redis: a cache of each process's own would not hear of another process's
# writes (a recompute published by the worker).
PAGE_CACHE_TTL = env_int("PAGE_CACHE_TTL", 300 if REDIS_URL else 0)
# Views whose answer is the same for every reader, logged in or not: kept for all.
PAGE_CACHE_SAME_FOR_EVERYONE = {
    "territory-list",
    "territory-detail",
    "indicator-list",
    "indicator-detail",
    "values",
    "layer-list",
}
# Pages kept for logged-in readers too, per audience: view name → the function naming what the
# page depends on for a reader beyond its personal parts (portal.pagecache.audiences).
PAGE_CACHE_PER_AUDIENCE = {
    "home": "portal.knowledge.resources.visibility.reader_audience",
    "knowledge:search": "portal.knowledge.search.sources.search_audience",
    "knowledge:preconisation_list": "portal.knowledge.resources.visibility.reader_audience",
    "knowledge:preconisation_detail": "portal.knowledge.resources.visibility.reader_audience",
    "knowledge:resource_detail": "portal.knowledge.resources.views.detail_audience",
    "committees:detail": "portal.committees.views.detail_audience",
    "committees:forum": "portal.committees.views.forum_audience",
    "committees:thread": "portal.committees.views.forum_audience",
    "committees:agenda": "portal.committees.meetings.places.agenda_audience",
    "committees:meeting": "portal.committees.meetings.places.meeting_audience",
    # The list itself is the reader's own part (portal.accounts.notifications.views).
    "notifications:list": "portal.pagecache.audiences.everyone",
    "territories:territory_detail": "territories.portraits.views.portrait_audience",
    "signals:list": "territories.signals.views.list_audience",
    "territories:search": "portal.pagecache.audiences.everyone",
    "territories:explorer": "portal.pagecache.audiences.everyone",
    "territories:compare": "portal.pagecache.audiences.everyone",
    "territories:crossed": "portal.pagecache.audiences.everyone",
    "territories:indicator_list": "portal.pagecache.audiences.everyone",
    "territories:indicator_detail": "portal.pagecache.audiences.everyone",
    "observatory:home": "observatory.dashboard.views.home_audience",
    "observatory:dashboard_export": "portal.pagecache.audiences.everyone",
    "observatory:benchmark": "observatory.benchmark.views.benchmark_audience",
}
# Writes to these never change what an anonymous visitor sees.
PAGE_CACHE_IGNORED_MODELS = [
    "sessions.Session",
    "axes.AccessAttempt",
    "axes.AccessLog",
    "axes.AccessFailureLog",
    "account.EmailConfirmation",
    "authtoken.Token",
    "committees.ThreadReadState",
    # Notifications show only in their reader's header and list, which are drawn for them.
    "accounts.Notification",
    "accounts.NotificationPreference",
    "accounts.Presence",
    "jobs.Job",
    "jobs.WorkerHeartbeat",
    # A run's rows show only once the run is published, which is itself a write.
    "territories.RunChunk",
    "territories.AggregateValue",
]

REST_FRAMEWORK = {
    "EXCEPTION_HANDLER": "portal.errors.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # JSON only: the browsable documentation is the Swagger UI at /api/docs/ (DRF's own
    # browsable renderer needs inline styles that the strict CSP forbids).
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an unauthenticated API call gets 401 with WWW-Authenticate.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_FILTER_BACKENDS": ["portal.api_filters.StrictFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "portal.api_filters.StrictPageNumberPagination",
    "PAGE_SIZE": 100,
    # Per client address for visitors, per account for the logged-in (counters in the
    # default cache); over it, a 429 problem document (portal.errors).
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("RATE_LIMIT_API_ANON", "120/minute"),
        "user": env_str("RATE_LIMIT_API_USER", "600/minute"),
    },
    # The client's address behind our reverse proxies, as the other rate limits read it.
    "NUM_PROXIES": PROXY_COUNT or None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Cohésion API",
    "DESCRIPTION": "Read API of the Cohésion portal. Every error is a problem details "
    "document (application/problem+json).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "portal.schema.add_problem_responses",
    ],
}

# A strict Content-Security-Policy: nothing inline, nothing from another host.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Security: production values unless DEBUG.
# Sessions read from the cache (Redis), written through to the database: a logged-in page
# makes one query less, and sessions outlive a Redis restart.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    if env_bool("BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# Base-map tiles are a production setting (e.g. an IGN or OSM tile server the portal may
# use); maps draw without them. Their host must then be added to img-src.
MAP_TILES_URL = env_str("MAP_TILES_URL", "")
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_MB", 50) * 1024 * 1024

STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # and VAR_DIR with it, for beat and SQLite
RECOMPUTE_CHUNK_INDICATORS = env_int("RECOMPUTE_CHUNK_INDICATORS", 8)

# Geography imports: boundaries must fall inside the area already loaded, or for a first
# import inside this box (west, south, east, north; default: metropolitan France and Corsica;
# another country or an overseas région sets its own), with a margin in degrees. A boundary
# whose centroid moves more than IMPORT_MAX_MOVE_KM needs an explicit confirmation.
IMPORT_FIRST_EXTENT = tuple(
    float(value) for value in env_str("IMPORT_FIRST_EXTENT", "-5.8,41.2,9.8,51.2").split(",")
)
IMPORT_EXTENT_MARGIN_DEGREES = 0.5
IMPORT_MAX_MOVE_KM = env_int("IMPORT_MAX_MOVE_KM", 5)
