"""Settings for the newsroom live blog.

Every deploy-time value is read from the environment in the block below, with
its safe default beside it. Nothing set: SQLite and the in-memory channel layer
on one machine. Production: DATABASE_URL (PostgreSQL) and REDIS_URL (Redis).
"""

import importlib.util
import ipaddress
import json
import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name: str, default: str) -> bool:
    return os.environ.get(name, default).strip().lower() in {"1", "true", "yes", "on"}


# --- Deploy-time values: environment variable, safe default ---------------------------
DEBUG = env_flag("DJANGO_DEBUG", "0")
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
REDIS_URL = os.environ.get("REDIS_URL", "")
# Test workers running side by side (pytest-xdist: `make test-unit`, `make test-browser`) each
# have a test database of their own; each gets a Redis database of its own too, from
# LIVEBLOG_TEST_REDIS_DB (10 by default; the two suites of `make test` start apart), so their
# lives never share a channel group, a cached page or a lockout. The choice is written back
# into the environment: a server the test starts inherits it, and one given a Redis URL of
# its own (a test's fixed database) keeps that URL.
if (test_worker := os.environ.get("PYTEST_XDIST_WORKER", "")) and not os.environ.get(
    "LIVEBLOG_TEST_REDIS_CHOSEN"
):
    if REDIS_URL:
        first_db = int(os.environ.get("LIVEBLOG_TEST_REDIS_DB", "10"))
        worker_db = f"/{first_db + int(test_worker.removeprefix('gw'))}"
        REDIS_URL = os.environ["REDIS_URL"] = urlunsplit(
            urlsplit(REDIS_URL)._replace(path=worker_db)
        )
    os.environ["LIVEBLOG_TEST_REDIS_CHOSEN"] = "1"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The newsroom's name as search engines and share cards show it (schema.org publisher).
PUBLISHER_NAME = os.environ.get("PUBLISHER_NAME", "Newsroom")
SECURE = env_flag("DJANGO_SECURE", "0" if DEBUG else "1")
# How often each server process checks the event log for events the channel layer
# did not bring its readers (Redis down, dropped messages).
LIVEBLOG_RESYNC_SECONDS = float(os.environ.get("LIVEBLOG_RESYNC_SECONDS", "2"))
# How often a reader's page without a websocket asks for what it missed (told in each
# catch-up answer; the page adds up to a quarter either way). Raise it on a big night to
# lighten the pollers; keep it above the catch-up answer's 3 s lifetime.
LIVEBLOG_POLL_SECONDS = float(os.environ.get("LIVEBLOG_POLL_SECONDS", "5"))
# How long a rendered live page may be served from the cache (liveblog.live.page_cache); every
# event invalidates it at once, this only bounds changes made outside the event log. 0: off.
LIVEBLOG_PAGE_CACHE_SECONDS = int(os.environ.get("LIVEBLOG_PAGE_CACHE_SECONDS", "300"))
# PostgreSQL: each server process keeps the lives' positions, told of every change by a
# LISTEN on a connection of its own (liveblog.live.positions_memo), instead of reading one
# per request. 0: read it on every request, as on SQLite.
LIVEBLOG_POSITION_LISTENER = env_flag("LIVEBLOG_POSITION_LISTENER", "1")
# PostgreSQL connections one server process may hold (psycopg's pool, Django's
# OPTIONS["pool"]); requests beyond it wait for a free one. 0: no pool, one connection per
# request (a pooler such as PgBouncer in front of PostgreSQL then bounds them).
LIVEBLOG_DB_POOL_SIZE = int(os.environ.get("LIVEBLOG_DB_POOL_SIZE", "10"))
# Readers' frames as binary websocket frames (UTF-8 JSON, encoded once per event and
# process; live.js decodes them) or, with 1, as text frames (encoded again per socket by the
# server). Kept to measure the difference (bench: `--only frames`) and for clients that want text.
LIVEBLOG_TEXT_FRAMES = env_flag("LIVEBLOG_TEXT_FRAMES", "0")
# Readers' websockets one address may hold open on one server process (liveblog.delivery.guards).
LIVEBLOG_SOCKETS_PER_ADDRESS = int(os.environ.get("LIVEBLOG_SOCKETS_PER_ADDRESS", "50"))
# Behind a reverse proxy: the proxies' addresses or networks, comma-separated (the reference
# stack: 127.0.0.1,::1). Only a request from one of them may name the client in the header
# below (liveblog.client_address); empty, no proxy: the peer is the client. The login lockout,
# the audit log and the websocket guards all take the address from there.
LIVEBLOG_TRUSTED_PROXIES = [
    p.strip() for p in os.environ.get("LIVEBLOG_TRUSTED_PROXIES", "").split(",") if p.strip()
]
LIVEBLOG_CLIENT_ADDRESS_HEADER = (
    os.environ.get("LIVEBLOG_CLIENT_ADDRESS_HEADER", "").strip() or "X-Forwarded-For"
)
# Where photos are kept: "filesystem" (MEDIA_ROOT; shared between app hosts as one volume)
# or "s3", an S3-compatible bucket through django-storages (`pip install
# 'newsroom-liveblog[s3]'`): S3_BUCKET, S3_ENDPOINT_URL (empty: AWS), S3_REGION,
# S3_CUSTOM_DOMAIN (a CDN in front of the bucket); the keys in AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY. Readers load photos from the bucket, so it must allow public reads.
MEDIA_STORAGE = os.environ.get("MEDIA_STORAGE", "filesystem").strip().lower()
# The app serves /media/ itself (one process, nothing in front). 0 where nginx serves it.
LIVEBLOG_SERVE_MEDIA = env_flag("LIVEBLOG_SERVE_MEDIA", "1")
# Background work (photo renditions): "database" keeps each job in the database until the
# worker (`manage.py db_worker`: make serve, the stack) has done it, so a restart loses none;
# "immediate" does it at once in the process that asked (the tests).
LIVEBLOG_TASKS = os.environ.get("LIVEBLOG_TASKS", "database").strip().lower()
# Cards for embeds and related links (liveblog.content.cards): 0 never fetches another site
# (blocks stay plain link cards); each fetch gives up after LIVEBLOG_CARDS_TIMEOUT seconds.
LIVEBLOG_CARDS_FETCH = env_flag("LIVEBLOG_CARDS_FETCH", "1")
LIVEBLOG_CARDS_TIMEOUT = float(os.environ.get("LIVEBLOG_CARDS_TIMEOUT", "3"))
# Providers' oEmbed endpoints, `{url}` standing for the post's address. A JSON object in the
# environment replaces some ({"Instagram": "https://…?access_token=…&url={url}"}); a provider
# left out is read from its page's OpenGraph tags.
LIVEBLOG_OEMBED_ENDPOINTS = {
    "X": "https://publish.twitter.com/oembed?omit_script=1&dnt=1&url={url}",
    "YouTube": "https://www.youtube.com/oembed?format=json&url={url}",
    "Bluesky": "https://embed.bsky.app/oembed?format=json&url={url}",
    **json.loads(os.environ.get("LIVEBLOG_OEMBED_ENDPOINTS") or "{}"),
}
# Tests only: lets the card fetcher reach loopback (their local stand-in for the providers).
# Ignored unless DEBUG is on: in production loopback, like every private address, is refused.
LIVEBLOG_CARDS_ALLOW_LOOPBACK = DEBUG and env_flag("LIVEBLOG_CARDS_ALLOW_LOOPBACK", "0")
# Web Push alerts for key events (liveblog.domain.alerts): the VAPID private key (base64url,
# raw 32 bytes or DER; `vapid --gen` makes one) and a contact for push services. No key: off.
VAPID_PRIVATE_KEY = os.environ.get("VAPID_PRIVATE_KEY", "").strip()
VAPID_SUBJECT = os.environ.get("VAPID_SUBJECT", "mailto:webmaster@localhost").strip()
# ---------------------------------------------------------------------------------------

if DEBUG:
    SECRET_KEY = SECRET_KEY or "insecure-development-key-never-use-in-production"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "testserver", "[::1]"]
else:
    missing = [
        name
        for name, value in (("SECRET_KEY", SECRET_KEY), ("ALLOWED_HOSTS", ALLOWED_HOSTS))
        if not value
    ]
    if missing:
        raise ImproperlyConfigured(
            f"DEBUG is off, so {' and '.join(missing)} must be set in the environment "
            "(or set DJANGO_DEBUG=1 on a development machine)."
        )
    if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("insecure"):
        raise ImproperlyConfigured(
            "SECRET_KEY is too weak for production: use at least 50 random characters, "
            "for example from `python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
        )

for proxy in LIVEBLOG_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"LIVEBLOG_TRUSTED_PROXIES: {proxy!r} is not an address or a network "
            "(for example 127.0.0.1,::1,10.0.0.0/8)."
        ) from None

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "channels",
    # django-axes: failed logins counted per username and address (liveblog.desk.login).
    "axes",
    # The database backend of Django's tasks: renditions wait there for the worker.
    "django_tasks_db",
    "liveblog",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outermost but one: error pages that middleware returns (a bad Host is a 400) get the
    # policy too.
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Compresses HTML, JSON and feeds (liveblog.live.http_cache); whitenoise sends static
    # files already compressed, and photos are not worth it.
    "liveblog.live.http_cache.CompressText",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Whatever a signed-in person is sent, no shared cache keeps.
    "liveblog.live.http_cache.PrivateWhenSignedIn",
    # django-axes: leaves the login form's own "too many attempts" page as it is
    # (liveblog.desk.login.lockout_response). Kept just outside a sync-only middleware, so it
    # runs in its sync mode: its async mode hands the lockout callable the wrong arguments.
    "axes.middleware.AxesMiddleware",
    # The client's address for the audit log's entries of this request.
    "liveblog.domain.audit.RequestAddressMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Django's, leaving Vary: Accept-Language off the pages that do not depend on it.
    "liveblog.i18n.LocaleMiddleware",
    "liveblog.i18n.LanguageFromQueryMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
ASGI_APPLICATION = "newsroom.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "liveblog.live.branding.branding",
            ],
        },
    },
]

DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while a journalist's publish holds the write lock;
    # IMMEDIATE takes that lock at BEGIN so two writers queue instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Browser tests serve pages from a second thread, which needs a file database.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / f".test-db-{os.getpid()}.sqlite3")}
else:
    # Under ASGI every request runs in a thread of its own, and a persistent connection
    # stays open after its thread is gone: 16 concurrent readers' requests held ~90
    # PostgreSQL connections and the rest failed ("too many clients"). So no persistent
    # connections (the pool requires that too): each request borrows one of the process's
    # pooled connections and gives it back at its end. After a crash, 5,000 readers'
    # catch-up requests opened a connection each and PostgreSQL ran out; with the pool a
    # process never holds more than LIVEBLOG_DB_POOL_SIZE.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # The two suites of `make test` run side by side, each in workers of its own: each
    # suite names its test databases (LIVEBLOG_TEST_SUITE; pytest-django adds _gw0, _gw1).
    if test_suite := os.environ.get("LIVEBLOG_TEST_SUITE"):
        DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{test_suite}"}
    if LIVEBLOG_DB_POOL_SIZE > 0:
        if importlib.util.find_spec("psycopg_pool") is None:
            raise ImproperlyConfigured(
                "LIVEBLOG_DB_POOL_SIZE needs psycopg's pool: pip install 'psycopg[pool]' "
                "(a dependency of this project), or set LIVEBLOG_DB_POOL_SIZE=0."
            )
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": 1,
            "max_size": LIVEBLOG_DB_POOL_SIZE,
            # A request waits this long for a free connection, then fails (a 503 at the
            # desk, a retry for a reader's poll) instead of queueing without end.
            "timeout": 10,
        }

if REDIS_URL:
    # Shared by every server process: login throttling counts, presence, cached fragments.
    CACHES = {
        "default": {
            # Django's, with one connection pool per process (not one per request).
            "BACKEND": "liveblog.resilient_cache.PooledRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "liveblog",
            # An unreachable Redis is a cache miss (liveblog.resilient_cache), and a quick one:
            # without these a blackholed host holds each page for the system's TCP timeout.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # channels-redis waits on Redis for up to 5 s (BZPOPMIN) and redis-py's socket
            # timeout is also 5 s: equal, so an idle subscription failed every few seconds
            # and the next event waited for the resync check. A longer socket timeout.
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "socket_timeout": 15}],
                "capacity": 1000,
                "expiry": 30,
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
}
if LIVEBLOG_TASKS not in TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"LIVEBLOG_TASKS is 'database' or 'immediate', not {LIVEBLOG_TASKS!r}."
    )
TASKS = {"default": {"BACKEND": TASK_BACKENDS[LIVEBLOG_TASKS]}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "desk:login"
LOGIN_REDIRECT_URL = "desk:sessions"
LOGOUT_REDIRECT_URL = "desk:login"
# A journalist's shift: the desk logs people out after this long without a visit.
SESSION_COOKIE_AGE = 12 * 3600
# Login throttling (liveblog.desk.login): five failures of one username from one address lock
# that pair out for fifteen minutes. Counted in the database, so a login never needs Redis.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_RESET_ON_SUCCESS = True
# A locked-out pair's next tries do not push the end of its lockout further away.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_USERNAME_CALLABLE = "liveblog.desk.login.lockout_username"
AXES_CLIENT_IP_CALLABLE = "liveblog.client_address.request_client_address"
# The login form itself says "too many attempts", in the page's language.
AXES_LOCKOUT_CALLABLE = "liveblog.desk.login.lockout_response"
# A composer's form (photos aside, which stream to disk): Django's 2.5 MB default answered
# a 3 MB paste with a bare 400 and no draft; the composer now says the post is too long
# (liveblog.desk.composer.MAX_POST_CHARACTERS) and the autosave keeps every word.
DATA_UPLOAD_MAX_MEMORY_SIZE = 16 * 1024 * 1024

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
if MEDIA_STORAGE == "s3":
    MEDIA_FILES = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ.get("S3_BUCKET", ""),
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("S3_REGION") or None,
            "custom_domain": os.environ.get("S3_CUSTOM_DOMAIN") or None,
            # Plain public URLs: a signed one would expire inside cached pages and feeds.
            "querystring_auth": False,
            "file_overwrite": False,
        },
    }
    if not MEDIA_FILES["OPTIONS"]["bucket_name"]:
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs S3_BUCKET.")
elif MEDIA_STORAGE == "filesystem":
    MEDIA_FILES = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
else:
    raise ImproperlyConfigured(f"MEDIA_STORAGE is 'filesystem' or 's3', not {MEDIA_STORAGE!r}.")
STORAGES = {
    "default": MEDIA_FILES,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Without collectstatic (development, tests), serve straight from static/.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# Live pages are read by anonymous readers; nothing inline runs on them.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    # A video card plays in YouTube's privacy-enhanced player, and only once the reader
    # clicks (liveblog.content.social): no other site may be framed, no script is allowed.
    "frame-src": [CSP.SELF, "https://www.youtube-nocookie.com"],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SESSION_COOKIE_HTTPONLY = True
if SECURE:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_flag("DJANGO_SSL_REDIRECT", "1")
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "liveblog": {"handlers": ["console"], "level": "INFO"},
        # With DEBUG off Django only mails a server error to ADMINS: print it too.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}

# Live page pagination: newest posts shown at once, then "older posts" pages of the same size.
LIVEBLOG_PAGE_SIZE = 20
