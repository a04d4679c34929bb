"""Settings for the newsroom live blog.

Every deploy-time value is read from the environment in the block below, with
its safe default beside it. Nothing set: SQLite and the in-memory channel layer
on one machine. Production: DATABASE_URL (PostgreSQL) and REDIS_URL (Redis).
"""

import json
import os
from pathlib import Path

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
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The newsroom's name as search engines and share cards show it (schema.org publisher).
PUBLISHER_NAME = os.environ.get("PUBLISHER_NAME", "Newsroom")
SECURE = env_flag("DJANGO_SECURE", "0" if DEBUG else "1")
# How often each server process checks the event log for events the channel layer
# did not bring its readers (Redis down, dropped messages).
LIVEBLOG_RESYNC_SECONDS = float(os.environ.get("LIVEBLOG_RESYNC_SECONDS", "2"))
# How long a rendered live page may be served from the cache (liveblog.live.page_cache); every
# event invalidates it at once, this only bounds changes made outside the event log. 0: off.
LIVEBLOG_PAGE_CACHE_SECONDS = int(os.environ.get("LIVEBLOG_PAGE_CACHE_SECONDS", "300"))
# Readers' websockets one address may hold open on one server process (liveblog.delivery.guards).
LIVEBLOG_SOCKETS_PER_ADDRESS = int(os.environ.get("LIVEBLOG_SOCKETS_PER_ADDRESS", "50"))
# Behind a reverse proxy: the header carrying the reader's address, e.g. X-Forwarded-For.
# Empty: the peer's address. Set it only when the proxy overwrites or appends that header.
LIVEBLOG_CLIENT_ADDRESS_HEADER = os.environ.get("LIVEBLOG_CLIENT_ADDRESS_HEADER", "").strip()
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
    "liveblog",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outermost but one: error pages that middleware returns (a bad Host is a 400) get the
    # policy too.
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The client's address for the audit log's entries of this request.
    "liveblog.domain.audit.RequestAddressMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
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
    # PostgreSQL connections and the rest failed ("too many clients"). Django's advice
    # for ASGI: no persistent connections (a pooler in front of PostgreSQL if needed).
    DATABASES["default"]["CONN_MAX_AGE"] = 0

if REDIS_URL:
    # Shared by every server process: login throttling counts, presence, cached fragments.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
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
# A composer's form (photos aside, which stream to disk): Django's 2.5 MB default answered
# a 3 MB paste with a bare 400 and no draft; the composer now says the post is too long
# (liveblog.desk.composer.MAX_POST_CHARACTERS) and the autosave keeps every word.
DATA_UPLOAD_MAX_MEMORY_SIZE = 16 * 1024 * 1024
LOGIN_FAILURES_PER_ACCOUNT = 5
LOGIN_FAILURES_PER_ADDRESS = 20
LOGIN_LOCKOUT_SECONDS = 15 * 60

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
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
