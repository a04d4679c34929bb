"""Whatever the desk's browser sends, readers get no script: every text field is cleaned."""

import pytest

from liveblog.models import Block, LiveSession, Photo, PhotoCredit, Post, Rubric
from tests.helpers import composer_data, jpeg

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert('x')</script>Texte",
    '<img src="x" onerror="alert(1)">Texte',
    '<a href="javascript:alert(1)">Texte</a>',
    '<p onclick="alert(1)">Texte</p>',
    "<svg onload=alert(1)>Texte",
]


def assert_harmless(text: str) -> None:
    lowered = text.lower()
    assert "<script" not in lowered
    assert "onerror" not in lowered and "onclick" not in lowered and "onload" not in lowered
    assert "javascript:" not in lowered
    assert "<img" not in lowered and "<svg" not in lowered


@pytest.fixture
def eclient(client, editor):
    client.force_login(editor)
    return client


@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_text_field_of_a_post_comes_out_clean(eclient, session, payload):
    data = composer_data(
        ("paragraph", {"text": f"<p>{payload} <strong>gras</strong></p>"}),
        ("quote", {"text": payload, "attribution": payload}),
        ("embed", {"url": "https://bsky.app/profile/x/post/1", "text": payload}),
        ("link", {"link_kind": "article", "link_title": payload, "url": "https://example.org/"}),
        (
            "photo",
            {"image": jpeg(), "caption": payload, "alt_text": payload, "credit": payload},
        ),
        rubric=payload,
        title=payload,
    )
    response = eclient.post(f"/editor/{session.slug}/posts/new/", data)
    assert response.status_code == 302
    post = Post.objects.get()
    assert_harmless(post.title)
    assert_harmless(Rubric.objects.get().name)
    for block in Block.objects.all():
        for field in ("text", "attribution", "link_title"):
            assert_harmless(getattr(block, field))
    assert "<strong>gras</strong>" in post.blocks.get(kind="paragraph").text
    photo = Photo.objects.get()
    for text in (photo.caption, photo.alt_text, PhotoCredit.objects.get().label):
        assert_harmless(text)
    reader = eclient.get(f"/live/{session.slug}/").content.decode()
    assert "<script>alert" not in reader
    assert 'onerror="alert' not in reader and "javascript:alert" not in reader


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<script>x</script>"])
def test_links_and_embeds_refuse_script_urls(eclient, session, url):
    data = composer_data(
        ("link", {"link_kind": "video", "link_title": "Voir", "url": url}),
        ("embed", {"url": url}),
    )
    response = eclient.post(f"/editor/{session.slug}/posts/new/", data)
    assert response.status_code == 422
    assert response.content.decode().count("Saisissez une URL valide.") == 2
    assert not Post.objects.exists()


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_session_header_comes_out_clean(eclient, session, payload):
    eclient.post(
        f"/editor/{session.slug}/header/",
        {"headline": f"Marathon {payload}", "standfirst": payload, "credits": payload},
    )
    session = LiveSession.objects.get(pk=session.pk)
    for text in (session.headline, session.standfirst, session.credits):
        assert_harmless(text)
    assert session.headline.startswith("Marathon")
