"""Redis stops under a running server: readers still get every public page, journalists
still log in and publish; only live delivery waits (served from the database meanwhile)."""

import os
import re
from http.cookiejar import CookieJar
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, build_opener

import pytest

from liveblog.live.views import before_token
from liveblog.models import Post
from tests.helpers import composer_data, paragraph
from tests.helpers.servers import AppServer, PrivateRedis, database_url

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.needs_redis_program]


@pytest.fixture
def redis():
    server = PrivateRedis()
    server.start()
    yield server
    if server.process.poll() is None:
        server.stop()


@pytest.fixture
def app(redis, tmp_path):
    env = {
        **os.environ,
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": database_url(),
        "REDIS_URL": f"redis://127.0.0.1:{redis.port}/0",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    server = AppServer("daphne", env)
    server.url = f"http://127.0.0.1:{server.port}"
    yield server
    server.stop()


class Browser:
    """A person's cookies and requests, without JavaScript."""

    def __init__(self, base: str):
        self.base = base
        self.opener = build_opener(HTTPCookieProcessor(CookieJar()))

    def get(self, path: str) -> tuple[int, str]:
        try:
            with self.opener.open(self.base + path, timeout=30) as response:
                return response.status, response.read().decode()
        except HTTPError as error:
            return error.code, error.read().decode()

    def post(self, form_path: str, data: dict, to: str | None = None) -> tuple[int, str, str]:
        """Submit the form at `form_path` (to `to`, if it posts elsewhere), with its CSRF token."""
        _status, html = self.get(form_path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        body = urlencode({"csrfmiddlewaretoken": token, **data}, doseq=True).encode()
        try:
            with self.opener.open(self.base + (to or form_path), body, timeout=30) as response:
                return response.status, response.url, response.read().decode()
        except HTTPError as error:
            return error.code, error.url, error.read().decode()


def public_paths(session, post) -> list[str]:
    slug = session.slug
    return [
        "/",
        f"/live/{slug}/",
        f"/live/{slug}/?before={before_token(post)}",
        f"/live/{slug}/posts/{post.pk}/",
        f"/live/{slug}/events?after=0",
        f"/live/{slug}/feed.atom",
        f"/live/{slug}/feed.rss",
        f"/live/{slug}/embed/",
        "/api/lives/",
        f"/api/lives/{slug}/",
        f"/api/lives/{slug}/posts/",
        "/sitemap.xml",
        "/robots.txt",
        "/editor/login/",
    ]


def test_readers_and_journalists_carry_on_when_redis_stops(
    app, redis, session, make_post, journalist, settings
):
    # The server checks passwords with the real hasher, so set it with that one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    journalist.set_password("pw-jeanne-2026")
    journalist.save()
    session.journalists.add(journalist)
    make_post(session, title="Départ donné", minutes=0)
    post = make_post(session, title="Premier ravitaillement", minutes=30)
    reader = Browser(app.url)
    # Everything cached in Redis first, as on a running night.
    for path in public_paths(session, post):
        assert reader.get(path)[0] == 200, path

    redis.stop()

    for path in public_paths(session, post):
        status, _html = reader.get(path)
        assert status == 200, f"{path} answered {status} with Redis down"
    journalist_browser = Browser(app.url)
    refused = {"username": "jeanne", "password": "pas le bon"}
    status, _url, html = journalist_browser.post("/editor/login/", refused)
    assert status == 200 and "mot de passe valides" in html
    status, url, _html = journalist_browser.post(
        "/editor/login/", {"username": "jeanne", "password": "pw-jeanne-2026"}
    )
    assert (status, url) == (200, f"{app.url}/editor/")
    data = composer_data(paragraph("Le vent se lève au kilomètre 30."), title="Coup de vent")
    status, url, _html = journalist_browser.post(
        f"/editor/{session.slug}/", data, to=f"/editor/{session.slug}/posts/new/"
    )
    assert status == 200 and url.startswith(f"{app.url}/editor/{session.slug}/")
    assert Post.objects.get(title="Coup de vent").is_published
    status, html = reader.get(f"/live/{session.slug}/")
    assert status == 200 and "Coup de vent" in html
