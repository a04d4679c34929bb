"""What a cached live page costs per request: its gzipped copy is made once per position and
reused, the process keeps the latest renderings only under the position read from the
database, and what readers get (encoding, Vary, ETag, 304, a withdrawn post gone) is as
before."""

import gzip

import pytest

from liveblog.domain.posts import delete_post
from liveblog.live import page_cache
from liveblog.live.http_cache import live_position_row
from tests.helpers.servers import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def compressions(monkeypatch):
    """How many times a page was gzipped: once per stored rendering, or once per answer."""
    counted = {"stored": 0, "per answer": 0}
    stored_compress = page_cache.gzip.compress

    def count_stored(*args, **kwargs):
        counted["stored"] += 1
        return stored_compress(*args, **kwargs)

    from django.middleware import gzip as django_gzip

    answer_compress = django_gzip.compress_string

    def count_per_answer(*args, **kwargs):
        counted["per answer"] += 1
        return answer_compress(*args, **kwargs)

    monkeypatch.setattr(page_cache.gzip, "compress", count_stored)
    monkeypatch.setattr(django_gzip, "compress_string", count_per_answer)
    return counted


def read(client, session, **headers) -> str:
    response = client.get(session.get_absolute_url(), **headers)
    assert response.status_code == 200
    if response.get("Content-Encoding") == "gzip":
        return gzip.decompress(response.content).decode()
    return response.content.decode()


def test_the_page_is_gzipped_once_per_position_and_that_copy_is_sent_to_every_reader(
    client, session, make_post, compressions
):
    make_post(session, title="Le départ est donné")
    pages = [read(client, session, HTTP_ACCEPT_ENCODING="gzip, deflate, br") for _ in range(3)]
    assert pages[0] == pages[1] == pages[2]
    assert "Le départ est donné" in pages[0]
    assert compressions == {"stored": 1, "per answer": 0}

    make_post(session, title="Premier ravitaillement", minutes=20)
    assert "Premier ravitaillement" in read(client, session, HTTP_ACCEPT_ENCODING="gzip")
    assert compressions == {"stored": 2, "per answer": 0}


def test_gzip_is_still_negotiated_with_each_reader(client, session, make_post):
    make_post(session, title="Le départ est donné")
    url = session.get_absolute_url()
    plain = client.get(url)
    packed = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    assert not plain.has_header("Content-Encoding")
    assert "Le départ est donné" in plain.content.decode()
    assert packed["Content-Encoding"] == "gzip"
    assert int(packed["Content-Length"]) == len(packed.content) < len(plain.content)
    assert gzip.decompress(packed.content) == plain.content
    for response in (plain, packed):
        assert "Accept-Encoding" in response["Vary"]
        assert "HX-Request" in response["Vary"]
    # One version of the page, whatever its encoding: the same ETag, and a 304 for either.
    assert packed["ETag"] == plain["ETag"]
    again = client.get(url, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=plain["ETag"])
    assert again.status_code == 304
    assert not again.content


def test_a_withdrawn_post_is_gone_from_the_next_answer_in_either_encoding(
    client, session, make_post, editor
):
    post = make_post(session, title="Chute dans la descente du col")
    for encoding in ("", "gzip"):
        assert "Chute dans la descente" in read(client, session, HTTP_ACCEPT_ENCODING=encoding)
    delete_post(post=post, by=editor)
    for encoding in ("", "gzip"):
        assert "Chute dans la descente" not in read(client, session, HTTP_ACCEPT_ENCODING=encoding)


def test_the_process_copy_is_used_only_under_the_position_the_database_gives(
    client, session, make_post, editor, settings
):
    post = make_post(session, title="Chute dans la descente du col")
    read(client, session)
    # Redis gone: the process's copy of this position still serves, the position is still
    # read from the database, and a withdrawal shows at once.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
        }
    }
    assert "Chute dans la descente" in read(client, session, HTTP_ACCEPT_ENCODING="gzip")
    delete_post(post=post, by=editor)
    assert "Chute dans la descente" not in read(client, session, HTTP_ACCEPT_ENCODING="gzip")
    assert "Chute dans la descente" not in read(client, session)


def test_the_shared_page_holds_nothing_of_the_person_asking(client, session, make_post, journalist):
    make_post(session, title="Le départ est donné")
    anonymous = client.get(session.get_absolute_url())
    client.force_login(journalist)
    signed_in = client.get(session.get_absolute_url())
    # The same bytes for a reader and for a journalist: no CSRF token, no name, no session.
    assert signed_in.content == anonymous.content
    body = anonymous.content.decode()
    assert "csrfmiddlewaretoken" not in body
    assert "csrf" not in body.lower()
    assert journalist.username not in body
    assert not anonymous.cookies
    # What a signed-in person is sent, no one else stores (liveblog.live.http_cache).
    assert "private" in signed_in["Cache-Control"] or "no-cache" in signed_in["Cache-Control"]


def test_the_live_s_position_is_read_with_its_last_event_s_time(session, make_post):
    make_post(session, title="Le départ est donné")
    session.refresh_from_db()
    pk, created_at, last_seq, last_event_at = live_position_row(session.slug)
    assert (pk, created_at, last_seq) == (session.pk, session.created_at, session.last_seq)
    assert last_event_at == session.events.get(seq=session.last_seq).created_at
    assert live_position_row("no-such-live") is None
