"""A partner page frames the live with the snippet: it fits its content and follows the live."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from liveblog.live.embed_page import embed_code
from tests.helpers import WAIT_MS

pytestmark = pytest.mark.django_db(transaction=True)

# Long enough for the server's check of the event log (see test_live_updates.py).
LIVE = WAIT_MS


@pytest.fixture(autouse=True)
def public_address(server, settings):
    # The snippet, made here, points at the server under test.
    settings.SITE_URL = server.url


class PartnerSite:
    """A partner's web server on another port (another origin), serving one article."""

    def __init__(self):
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                body = site.html.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.html = ""
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://localhost:{self.httpd.server_port}/article.html"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def partner():
    site = PartnerSite()
    yield site
    site.close()


def open_partner_page(page, partner, session):
    """The partner's article with our snippet pasted in."""
    partner.html = f"""<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">
        <title>Le Journal partenaire</title></head>
        <body><h1>Le Journal partenaire</h1><p>Suivez la course avec notre partenaire :</p>
        {embed_code(session)}<p>Fin de l'article.</p></body></html>"""
    page.goto(partner.url)
    frame = page.frame_locator("iframe[data-liveblog-embed]")
    expect(frame.get_by_role("heading", level=1)).to_have_text(session.headline)
    return frame


def iframe_height(page) -> float:
    return page.evaluate(
        "document.querySelector('iframe[data-liveblog-embed]').getBoundingClientRect().height"
    )


def content_height(page) -> float:
    embedded = next(frame for frame in page.frames if "/embed/" in frame.url)
    return embedded.evaluate("Math.ceil(document.documentElement.getBoundingClientRect().height)")


@pytest.mark.parametrize("width", [360, 1280])
def test_partner_page_frames_the_live_at_the_height_of_its_content(
    server, page, partner, session, make_post, screenshot, width
):
    for minute in range(3):
        make_post(session, title=f"Point de passage {minute}", minutes=minute)
    page.set_viewport_size({"width": width, "height": 900})
    frame = open_partner_page(page, partner, session)
    expect(frame.get_by_role("article", name="Point de passage 2")).to_be_visible()
    page.wait_for_function(
        "() => document.querySelector('iframe[data-liveblog-embed]').style.height !== '600px'"
    )
    assert abs(iframe_height(page) - content_height(page)) <= 1, "no scrollbar, no blank space"
    screenshot(page)


def test_framed_live_receives_new_posts_and_grows(server, page, partner, session, make_post):
    make_post(session, title="Départ donné", minutes=0)
    frame = open_partner_page(page, partner, session)
    page.wait_for_function(
        "() => document.querySelector('iframe[data-liveblog-embed]').style.height !== '600px'"
    )
    before = iframe_height(page)
    make_post(
        session,
        title="Premier kilomètre",
        minutes=4,
        blocks=[("paragraph", {"text": "Le peloton s'étire le long du fleuve. " * 20})],
    )
    expect(frame.get_by_role("article", name="Premier kilomètre")).to_be_visible(timeout=LIVE)
    page.wait_for_function(
        "before => document.querySelector('iframe[data-liveblog-embed]')"
        ".getBoundingClientRect().height > before",
        arg=before,
    )
    assert abs(iframe_height(page) - content_height(page)) <= 1


def test_links_in_the_frame_open_outside_the_partner_page(
    server, page, partner, session, make_post
):
    make_post(session, title="Départ donné")
    frame = open_partner_page(page, partner, session)
    with page.context.expect_page() as opened:
        frame.get_by_role("link", name="Suivre le direct").first.click()
    assert opened.value.url == f"{server.url}/live/{session.slug}/"
    assert page.url == partner.url, "the partner's page stays where it was"


def test_only_the_embed_page_can_be_framed(server, page, partner, session, make_post):
    post = make_post(session)
    live = f"{server.url}/live/{session.slug}/"
    partner.html = f"""<!DOCTYPE html><title>Partenaire</title>
        <iframe id="embed" src="{live}embed/"></iframe>
        <iframe id="live" src="{live}"></iframe>
        <iframe id="post" src="{live}posts/{post.pk}/"></iframe>"""
    page.goto(partner.url)
    embed = page.frame_locator("#embed")
    expect(embed.get_by_role("heading", level=1)).to_have_text(session.headline)
    # goto waited for the load event, which waits for every frame, refused ones included.
    loaded = [frame.url for frame in page.frames]
    assert f"{live}embed/" in loaded
    assert live not in loaded, "the live page refuses to be framed"
    assert f"{live}posts/{post.pk}/" not in loaded, "a post page refuses to be framed"
    assert loaded.count("chrome-error://chromewebdata/") == 2
