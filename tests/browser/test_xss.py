"""Whatever a journalist or an editor types, no script of theirs runs in a reader's (or a
colleague's) browser: the XSS corpus typed into every text field that reaches a page, then
every page that shows it opened in Chromium.

A hook installed before any page script defines `pwned()`, which every payload calls, and
reports each call; a dialog (`alert`) is reported too. Each vector runs with the
Content-Security-Policy bypassed, so escaping and sanitising alone must stop it; the whole
corpus then runs once more under the real policy, where a refused inline script is a
finding as well (it means markup got through).
"""

import json

import pytest
from django.test import Client
from playwright.sync_api import expect

from liveblog.domain.posts import publish_post
from liveblog.domain.sessions import update_header
from liveblog.models import Block, LiveSession, Photo, PhotoCredit, Post, Rubric
from tests.helpers import WAIT_MS, composer_data, jpeg, wait_until

pytestmark = pytest.mark.django_db(transaction=True)

VECTORS = {
    "script": '<script>pwned("{t}")</script>',
    "img-onerror": '<img src=x onerror=pwned("{t}")>',
    "svg-onload": '<svg onload=pwned("{t}")>',
    "attribute-breakout": '"><img src=x onerror=pwned("{t}")>',
    "single-quote-breakout": "'><svg/onload=pwned('{t}')>",
    "script-close-in-json-ld": '</script><script>pwned("{t}")</script>',
    "javascript-url": "<a href=\"javascript:pwned('{t}')\">lien</a>",
    "iframe-srcdoc": "<iframe srcdoc=\"<script>parent.pwned('{t}')</script>\"></iframe>",
    "details-ontoggle": '<details open ontoggle=pwned("{t}")>x</details>',
    "alert": '<img src=x onerror=alert("{t}")>',
    "template-looking": '{{{{ pwned("{t}") }}}}{{% debug %}}${{pwned("{t}")}}',
    "mathml-xlink": "<math><a xlink:href=\"javascript:pwned('{t}')\">m</a></math>",
}

# Each text field that reaches a page, with its length limit.
POST_FIELDS = {
    "title": 200,
    "rubric": 60,
    "paragraph": 2000,
    "quote": 2000,
    "attribution": 200,
    "embed-text": 2000,
    "link-title": 200,
    "caption": 500,
    "alt": 300,
    "credit": 120,
}
HEADER_FIELDS = {"headline": 200, "standfirst": 2000, "credits": 2000}
# URLs are validated as URLs (no spaces); what a URL may still carry is an attribute breakout.
URL_BREAKOUT = '?q="><svg/onload=pwned("{t}")>\'><img/src=x/onerror=pwned("{t}")>'

HOOK = """
window.pwned = (where) => window.__xssRan(`pwned(${where})`);
document.addEventListener("securitypolicyviolation", (event) => {
  window.__xssRan(`policy refused ${event.violatedDirective}: ${event.sample || event.blockedURI}`);
});
"""
# Markup that must never reach a page's DOM, whether or not anything ran.
INJECTED = """() => {
  const handlers = [...document.querySelectorAll("*")].filter((el) =>
    [...el.attributes].some((a) => a.name.startsWith("on")));
  const links = [...document.querySelectorAll("[href], [src], [action], [srcdoc]")].filter((el) =>
    ["href", "src", "action", "xlink:href"].some((name) =>
      /^\\s*javascript:/i.test(el.getAttribute(name) || "")) || el.hasAttribute("srcdoc"));
  const scripts = [...document.querySelectorAll("script")].filter(
    (el) => el.type !== "application/ld+json" && el.textContent.includes("pwned"));
  const jsonLd = [...document.querySelectorAll('script[type="application/ld+json"]')].filter(
    (el) => { try { JSON.parse(el.textContent); return false; } catch { return true; } });
  return [...handlers, ...links, ...scripts, ...jsonLd].map((el) => el.outerHTML.slice(0, 120));
}"""


def payload(vectors: list[str], tag: str, limit: int) -> str:
    """As many of the vectors as fit in the field, each naming the field it was typed in,
    then a word, so that a field the desk strips to plain text is still filled in."""
    text, word = "", " Texte"
    for vector in vectors:
        piece = vector.format(t=tag)
        if len(text) + len(piece) + len(word) <= limit:
            text += piece
    # A vector longer than the field is typed cut short, as the field's limit would cut it.
    return (text or vectors[0].format(t=tag)[: limit - len(word)]) + word


def write_post(desk: Client, session, vectors: list[str], round_: str) -> Post:
    """One post with every kind of block, each text field carrying the payload, written
    through the desk's composer as the browser sends it."""
    typed = {
        name: payload(vectors, f"{round_}{name}", limit) for name, limit in POST_FIELDS.items()
    }
    data = composer_data(
        ("paragraph", {"text": f"<p>{typed['paragraph']}</p>"}),
        ("quote", {"text": typed["quote"], "attribution": typed["attribution"]}),
        (
            "embed",
            {
                "url": "https://bsky.app/profile/marathon.example/post/1"
                + URL_BREAKOUT.format(t=f"{round_}embed-url"),
                "text": typed["embed-text"],
            },
        ),
        (
            "link",
            {
                "link_kind": "article",
                "link_title": typed["link-title"],
                "url": "https://example.org/" + URL_BREAKOUT.format(t=f"{round_}link-url"),
            },
        ),
        (
            "photo",
            {
                "image": jpeg(),
                "caption": typed["caption"],
                "alt_text": typed["alt"],
                "credit": typed["credit"],
            },
        ),
        title=typed["title"],
        rubric=typed["rubric"],
    )
    before = set(Post.objects.values_list("pk", flat=True))
    response = desk.post(f"/editor/{session.slug}/posts/new/", data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    return Post.objects.exclude(pk__in=before).get()


def write_header(desk: Client, session, vectors: list[str], photo: Photo) -> None:
    typed = {name: payload(vectors, name, limit) for name, limit in HEADER_FIELDS.items()}
    response = desk.post(f"/editor/{session.slug}/header/", {**typed, "lead_photo": photo.pk})
    assert response.status_code == 302, response.content.decode()[-3000:]


def write_raw(session, vectors: list[str], editor) -> Post:
    """The same payloads kept raw, as the admin or an import could store them (the desk
    cleans what it is sent): what stops them then is the pages' escaping alone."""
    typed = {name: payload(vectors, f"raw-{name}", limit) for name, limit in POST_FIELDS.items()}
    credit = PhotoCredit.objects.create(
        photographer=typed["credit"], agency=payload(vectors, "raw-agency", 120), via="AP"
    )
    photo = Photo.objects.create(
        image=jpeg(), caption=typed["caption"], alt_text=typed["alt"], credit=credit
    )
    post = Post.objects.create(
        session=session, author=editor, title=typed["title"], rubric=Rubric.named(typed["rubric"])
    )
    blocks = [
        ("paragraph", {"text": typed["paragraph"]}),
        ("quote", {"text": typed["quote"], "attribution": typed["attribution"]}),
        ("embed", {"url": "https://bsky.app/profile/a/post/2", "text": typed["embed-text"]}),
        (
            "link",
            {
                "link_kind": "video",
                "link_title": typed["link-title"],
                "url": "https://example.org/",
            },
        ),
        ("photo", {"photo": photo}),
    ]
    for position, (kind, fields) in enumerate(blocks):
        Block.objects.create(post=post, position=position, kind=kind, **fields)
    publish_post(post=post, by=editor)
    session.refresh_from_db()
    raw_header = {
        name: payload(vectors, f"raw-{name}", limit) for name, limit in HEADER_FIELDS.items()
    }
    update_header(session=session, by=editor, **raw_header)
    return post


@pytest.fixture
def desk(editor):
    client = Client()
    client.force_login(editor)
    return client


@pytest.fixture
def watched(browser, server, desk):
    """A browser logged in as the editor, with the hook; yields (context, what ran)."""

    def open_context(*, bypass_csp: bool):
        context = browser.new_context(locale="fr-FR", bypass_csp=bypass_csp)
        context.set_default_timeout(WAIT_MS)
        context.add_cookies(
            [{"name": "sessionid", "value": desk.cookies["sessionid"].value, "url": server.url}]
        )
        ran: list[str] = []
        context.expose_function("__xssRan", lambda what: ran.append(what))
        context.add_init_script(HOOK)
        opened.append(context)
        return context, ran

    opened = []
    yield open_context
    for context in opened:
        context.close()


def visit_every_page(context, ran: list[str], server, session: LiveSession, post: Post):
    """Every page that shows what was typed; the findings (scripts run, markup injected)."""
    findings = []
    page = context.new_page()
    page.on("dialog", lambda dialog: (ran.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    slug = session.slug
    urls = [
        "/",
        f"/live/{slug}/",
        f"/live/{slug}/posts/{post.pk}/",
        f"/live/{slug}/embed/",
        f"/live/{slug}/feed.atom",
        f"/live/{slug}/feed.rss",
        f"/api/lives/{slug}/",
        f"/api/lives/{slug}/posts/",
        f"/live/{slug}/events?after=0",
        f"/editor/{slug}/",
        f"/editor/{slug}/posts/{post.pk}/edit/",
        f"/editor/{slug}/posts/{post.pk}/revisions/",
        f"/editor/{slug}/header/",
        f"/editor/{slug}/audit/",
        "/editor/photos/",
        "/editor/photos/?q=pwned",
    ]
    for url in urls:
        response = page.goto(server.url + url)
        assert response.status == 200, f"{url}: {server.errors()[-3000:]}"
        page.wait_for_load_state("load")
        if injected := page.evaluate(INJECTED):
            findings.append(f"{url}: {injected}")
        findings += [f"{url}: {what}" for what in ran]
        ran.clear()
    page.close()
    return findings


def follow_live_page(context, ran: list[str], server, session, publish) -> list[str]:
    """A reader with the live page open receives a new post through live.js."""
    page = context.new_page()
    page.on("dialog", lambda dialog: (ran.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    page.goto(f"{server.url}/live/{session.slug}/")
    articles = page.locator("#posts > article")
    count = articles.count()
    post = publish()
    # Within the server's check of the event log (the channel layer is in memory here).
    expect(page.locator(f"#post-{post.pk}")).to_be_attached(timeout=WAIT_MS)
    expect(articles).to_have_count(count + 1)
    findings = [f"live update: {what}" for what in ran]
    if injected := page.evaluate(INJECTED):
        findings.append(f"live update: {injected}")
    page.close()
    return findings


def poison(desk, session, vectors: list[str], editor) -> Post:
    """A post written on the desk, the session's header set on the desk, then a post and a
    header kept raw; the post whose own page is checked is the raw one."""
    post = write_post(desk, session, vectors, "")
    photo = post.blocks.get(kind="photo").photo
    write_header(desk, session, vectors, photo)
    raw = write_raw(session, vectors, editor)
    session.refresh_from_db()
    return raw


def assert_the_payload_reached_the_pages(context, server, session, post) -> None:
    """Guards against a vacuous pass: the typed text is on the pages, shown as text."""
    page = context.new_page()
    page.goto(f"{server.url}/live/{session.slug}/posts/{post.pk}/")
    assert "pwned(" in page.locator("body").inner_text()
    page.goto(f"{server.url}/api/lives/{session.slug}/posts/")
    assert "pwned" in json.dumps(json.loads(page.locator("body").inner_text()))
    page.close()


@pytest.mark.parametrize("vector", VECTORS.values(), ids=VECTORS.keys())
def test_no_payload_runs_on_any_page_even_without_the_policy(
    server, watched, desk, session, editor, vector
):
    context, ran = watched(bypass_csp=True)
    post = poison(desk, session, [vector], editor)
    findings = visit_every_page(context, ran, server, session, post)
    findings += follow_live_page(
        context, ran, server, session, lambda: write_post(desk, session, [vector], "live-")
    )
    assert findings == []


def test_the_whole_corpus_runs_nowhere_under_the_real_policy(
    server, watched, desk, session, editor
):
    context, ran = watched(bypass_csp=False)
    post = poison(desk, session, list(VECTORS.values()), editor)
    assert_the_payload_reached_the_pages(context, server, session, post)
    findings = visit_every_page(context, ran, server, session, post)
    findings += follow_live_page(
        context,
        ran,
        server,
        session,
        lambda: write_post(desk, session, list(VECTORS.values()), "live-"),
    )
    assert findings == []


def test_the_hook_catches_a_script_that_runs(watched, server):
    """The hook itself: a page that does run a payload is caught, by call and by dialog."""
    context, ran = watched(bypass_csp=True)
    page = context.new_page()
    page.on("dialog", lambda dialog: (ran.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    page.goto(f"{server.url}/robots.txt")
    page.set_content('<img src=x onerror=pwned("control")><img src=y onerror=alert("box")>')
    expect(page.locator("img")).to_have_count(2)
    page.wait_for_function("document.readyState === 'complete'")

    def both_caught() -> bool:
        page.wait_for_timeout(50)  # Playwright hands over calls and dialogs while it waits
        return len(ran) >= 2

    wait_until(both_caught, "the hook to catch both payloads")
    assert sorted(ran) == ["dialog: box", "pwned(control)"]
    assert len(page.evaluate(INJECTED)) == 2
