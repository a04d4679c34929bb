"""The embed page partner sites frame, its snippet, and framing allowed there only."""

import pytest
from django.template.loader import render_to_string

from liveblog.domain.posts import set_pinned
from liveblog.live.embed_page import EMBED_POSTS
from tests.helpers.pages import read_head

pytestmark = pytest.mark.django_db

SITE = "https://direct.example.org"


@pytest.fixture(autouse=True)
def public_address(settings):
    settings.SITE_URL = SITE


def csp(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())


def test_embed_page_may_be_framed_by_any_site(client, session):
    response = client.get(f"/live/{session.slug}/embed/")
    assert response.status_code == 200
    assert "X-Frame-Options" not in response.headers
    policy = csp(response)
    assert policy["frame-ancestors"] == "*"
    assert policy["script-src"] == "'self'", "framing is the only thing relaxed"
    assert policy["style-src"] == "'self'"


@pytest.mark.parametrize(
    "path",
    ["/", "/live/marathon/", "/live/marathon/posts/{post}/", "/live/marathon/feed.atom"],
)
def test_every_other_page_refuses_to_be_framed(client, session, make_post, path):
    post = make_post(session)
    response = client.get(path.format(post=post.pk))
    assert response.status_code == 200
    assert response.headers["X-Frame-Options"] == "DENY"
    if "Content-Security-Policy" in response.headers:
        assert csp(response)["frame-ancestors"] == "'none'"


def test_embed_page_has_the_live_markup_live_updates_need(client, session, make_post, editor):
    pinned = make_post(session, title="Le parcours modifié", minutes=5)
    set_pinned(post=pinned, pinned=True, by=editor)
    post = make_post(session, title="Arrivée de la tête de course", minutes=150)
    session.refresh_from_db()
    html = client.get(f"/live/{session.slug}/embed/").content.decode()
    assert (
        f'<main id="live" class="live" data-session="marathon" data-seq="{session.last_seq}"'
        in html
    )
    assert 'id="session-header"' in html
    assert '<h1 class="live-headline">Marathon des Deux-Rives en direct</h1>' in html
    assert f'<article id="post-{post.pk}"' in html
    assert f'<article id="post-{pinned.pk}"' in html
    assert html.index('id="pinned"') < html.index(f'<article id="post-{post.pk}"')
    for element in ('id="posts"', 'id="new-posts"', 'id="live-announcer"', 'id="post-count"'):
        assert element in html
    assert '<script type="module" src="/static/liveblog/live.js"></script>' in html
    assert '<script type="module" src="/static/liveblog/embedded.js"></script>' in html
    assert "Suivre le direct" in html


def test_embed_page_leads_readers_out_of_the_frame_and_crawlers_to_the_live(client, session):
    html = client.get(f"/live/{session.slug}/embed/").content.decode()
    assert '<base target="_blank">' in html
    head = read_head(html)
    assert head.meta["robots"] == "noindex"
    assert head.links["canonical"] == f"{SITE}/live/marathon/"


def test_embed_page_shows_only_the_latest_posts(client, session, make_post):
    posts = [make_post(session, title=f"Kilomètre {n}", minutes=n) for n in range(EMBED_POSTS + 2)]
    html = client.get(f"/live/{session.slug}/embed/").content.decode()
    assert html.count("<article ") == EMBED_POSTS
    assert f'id="post-{posts[-1].pk}"' in html
    assert f'id="post-{posts[0].pk}"' not in html
    assert f"{EMBED_POSTS + 2} publications" in html


def test_english_live_embeds_in_english(client, make_session):
    session = make_session(slug="city-marathon", language="en", headline="City marathon live")
    html = client.get(f"/live/{session.slug}/embed/").content.decode()
    assert '<html lang="en">' in html
    assert "Follow the live" in html


def test_unknown_live_has_no_embed(client):
    assert client.get("/live/nexiste-pas/embed/").status_code == 404


def test_snippet_is_an_iframe_sized_by_our_script(make_session):
    session = make_session(headline='Élection "spéciale" <en direct>')
    html = render_to_string("liveblog/embed_snippet.html", {"session": session})
    # Shown as text to copy: escaped inside a read-only textarea.
    assert (
        f"&lt;iframe src=&quot;{SITE}/live/marathon/embed/&quot; "
        "title=&quot;Élection &amp;quot;spéciale&amp;quot; &amp;lt;en direct&gt;&quot; "
        "data-liveblog-embed"
    ) in html
    assert f"&lt;script src=&quot;{SITE}/static/liveblog/embed.js&quot; async&gt;" in html
    assert "<iframe" not in html
    assert "Copier le code" in html
    assert 'href="/live/marathon/embed/"' in html


def test_editors_find_the_snippet_on_the_desk(client, session, editor):
    client.force_login(editor)
    html = client.get(f"/editor/{session.slug}/").content.decode()
    assert "Intégrer ce direct sur un autre site" in html
    assert f"&lt;iframe src=&quot;{SITE}/live/marathon/embed/&quot;" in html
    assert '<script type="module" src="/static/liveblog/share.js"></script>' in html


def test_journalists_desk_has_no_snippet(client, session, journalist):
    session.journalists.add(journalist)
    client.force_login(journalist)
    response = client.get(f"/editor/{session.slug}/")
    assert response.status_code == 200
    assert "Intégrer ce direct sur un autre site" not in response.content.decode()
