"""Settings are read in a fresh interpreter each time: they run once, at import."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({'engine': settings.DATABASES['default']['ENGINE'], "
    "'layer': settings.CHANNEL_LAYERS['default']['BACKEND'], 'debug': settings.DEBUG, "
    "'tz': settings.TIME_ZONE, 'lang': settings.LANGUAGE_CODE}))"
)
GOOD_KEY = "k" * 20 + "3Xq9-Lm2pR7sT1vW8yZ0aB4cD6eF5gH"


def load_settings(**environ):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"}
    }
    env.update(environ, DJANGO_SETTINGS_MODULE="newsroom.settings")
    return subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_defaults_need_nothing_installed():
    result = load_settings(DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "engine": "django.db.backends.sqlite3",
        "layer": "channels.layers.InMemoryChannelLayer",
        "debug": True,
        "tz": "UTC",
        "lang": "fr",
    }


def test_production_refuses_to_start_without_secret_key_and_hosts():
    result = load_settings()
    assert result.returncode != 0
    assert "SECRET_KEY and ALLOWED_HOSTS must be set" in result.stderr


def test_production_names_the_one_missing_variable():
    result = load_settings(SECRET_KEY=GOOD_KEY)
    assert result.returncode != 0
    assert "so ALLOWED_HOSTS must be set" in result.stderr


def test_production_refuses_a_weak_secret_key():
    result = load_settings(SECRET_KEY="short", ALLOWED_HOSTS="live.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY is too weak" in result.stderr


def test_production_uses_postgresql_and_redis_from_the_environment():
    result = load_settings(
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="live.example.org",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/liveblog",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["engine"] == "django.db.backends.postgresql"
    assert loaded["layer"] == "channels_redis.core.RedisChannelLayer"
    assert loaded["debug"] is False


def test_production_settings_pass_the_deployment_checklist_without_a_warning():
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"}
    }
    env |= {
        "DJANGO_DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "live.example.org",
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


POOL_PROBE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "db = settings.DATABASES['default']; "
    "print(json.dumps({'pool': db.get('OPTIONS', {}).get('pool'), 'age': db['CONN_MAX_AGE']}))"
)


def pool_settings(**environ) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env |= {"DJANGO_DEBUG": "1", "DJANGO_SETTINGS_MODULE": "newsroom.settings", **environ}
    result = subprocess.run(
        [sys.executable, "-c", POOL_PROBE], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_on_postgresql_each_process_borrows_from_a_bounded_pool_of_connections():
    postgres = "postgres://postgres@127.0.0.1:5432/liveblog"
    loaded = pool_settings(DATABASE_URL=postgres, LIVEBLOG_DB_POOL_SIZE="6")
    assert loaded["pool"]["max_size"] == 6
    # A pool and persistent connections do not mix: each request gives its connection back.
    assert loaded["age"] == 0
    assert pool_settings(DATABASE_URL=postgres)["pool"]["max_size"] == 10
    assert pool_settings(DATABASE_URL=postgres, LIVEBLOG_DB_POOL_SIZE="0")["pool"] is None


def test_sqlite_has_no_pool():
    assert pool_settings()["pool"] is None
