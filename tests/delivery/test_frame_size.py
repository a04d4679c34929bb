"""No frame too big to send: the desk bounds a post's length with a clear message, and a
post that still renders bigger travels without its HTML, for readers to load the page."""

import json
import re

import pytest

from liveblog.delivery.fanout import encode_frame
from liveblog.domain.events import MAX_EVENT_HTML_BYTES
from liveblog.domain.posts import delete_post
from liveblog.models import Draft, Event, Post
from tests.helpers import composer_data, paragraph

pytestmark = pytest.mark.django_db


def test_the_desk_refuses_a_post_too_long_for_readers_and_keeps_what_was_typed(
    client, journalist, session
):
    session.journalists.add(journalist)
    client.force_login(journalist)
    pasted = "Le peloton passe le pont. " * 5000  # 130,000 characters pasted by mistake

    response = client.post(
        f"/editor/{session.slug}/posts/new/", composer_data(paragraph(pasted), title="Collage")
    )

    assert response.status_code == 422
    html = response.content.decode()
    assert re.search(
        r"Cette publication compte 1300\d\d caractères, plus que les 100000 permis", html
    )
    assert html.count("Le peloton passe le pont.") >= 5000
    assert not Post.objects.exists()


def test_a_post_rendering_bigger_than_a_frame_goes_out_without_its_html(session, make_post):
    huge = "<p>" + "Le peloton passe le pont. " * 12_000 + "</p>"
    post = make_post(session, title="Trop long", blocks=[("paragraph", {"text": huge})])

    event = Event.objects.get(post=post, kind="post.published")
    frame = encode_frame(event)

    assert len(huge.encode()) > MAX_EVENT_HTML_BYTES
    assert len(frame.encode()) < 1024
    assert json.loads(frame) == {
        "seq": event.seq,
        "kind": "post.published",
        "html": "",
        "post": post.pk,
        "pinned": False,
        "sort": event.data["sort"],
        "too_large": True,
    }


def test_a_too_large_event_is_superseded_like_any_other(session, make_post):
    huge = "<p>" + "Le peloton passe le pont. " * 12_000 + "</p>"
    post = make_post(session, title="Trop long", blocks=[("paragraph", {"text": huge})])
    delete_post(post=post, by=post.author)
    published = Event.objects.get(post=post, kind="post.published")
    assert published.data == {"post": post.pk, "superseded": True}


def test_a_3_mb_paste_gets_the_too_long_message_and_its_draft_is_kept(client, journalist, session):
    session.journalists.add(journalist)
    client.force_login(journalist)
    pasted = "Le peloton passe le pont. " * 120_000  # 3.1 MB
    data = composer_data(paragraph(pasted), title="Collage")

    saved = client.post(f"/editor/{session.slug}/autosave/", data)
    sent = client.post(f"/editor/{session.slug}/posts/new/", data)

    assert saved.status_code == 200
    assert Draft.objects.get().data["blocks-0-text"] == pasted
    assert sent.status_code == 422
    assert "plus que les 100000 permis" in sent.content.decode()
