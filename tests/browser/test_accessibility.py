"""axe-core (tests/browser/vendor/, from the npm registry) in Chromium on every reader page.

A test fails listing each serious or critical violation: the rule, what it means and
the elements at fault. The same pages are photographed at 360 px and 1,280 px into
test-artifacts/, and driven from the keyboard alone.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from liveblog.domain.posts import set_key_event, set_pinned
from liveblog.domain.review import submit_for_review
from liveblog.domain.sessions import update_header

pytestmark = pytest.mark.django_db(transaction=True)

AXE = (Path(__file__).parent / "vendor" / "axe-core-4.14.1.min.js").read_text()
BLOCKING = {"serious", "critical"}
WIDTHS = [360, 1280]


def accessibility_violations(page, impacts=BLOCKING) -> list[dict]:
    """axe's findings of these impacts (serious and critical unless told) on the page as it is now."""
    # Evaluated through the DevTools protocol, so the page's CSP (no inline script) allows it.
    page.evaluate(AXE)
    results = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
            resultTypes: ["violations"],
        })"""
    )
    return [v for v in results["violations"] if v["impact"] in impacts]


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    at {' '.join(node['target'])}: {node['failureSummary']}")
    return "\n".join(lines)


def assert_accessible(page, impacts=BLOCKING) -> None:
    violations = accessibility_violations(page, impacts)
    assert not violations, "axe-core found:\n" + describe(violations)


@pytest.fixture
def full_live(session, make_post, make_photo, editor, post_with_every_block):
    """A live with every kind of block, a pinned post and key events."""
    lead = make_photo(caption="La ligne de départ, quai des Deux-Rives.", size=(640, 360))
    update_header(
        session=session, by=editor, lead_photo=lead, credits="Rédaction : Jeanne et Hugo."
    )
    make_post(session, title="Départ donné", minutes=0, key_event=True)
    pinned = make_post(session, title="Le parcours est modifié", minutes=20, rubric="organisation")
    set_pinned(post=pinned, pinned=True, by=editor)
    set_key_event(post=post_with_every_block, key_event=True, by=editor)
    return session


def reader_pages(server, session) -> dict[str, str]:
    post = session.posts.get(title="Arrivée de la tête de course")
    return {
        "home": f"{server.url}/",
        "live": f"{server.url}/live/{session.slug}/",
        "post": f"{server.url}/live/{session.slug}/posts/{post.pk}/",
        "embed": f"{server.url}/live/{session.slug}/embed/",
    }


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", ["home", "live", "post", "embed"])
def test_reader_page_has_no_accessibility_violation_at_all(
    server, page, full_live, screenshot, name, width
):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(reader_pages(server, full_live)[name])
    expect(page.locator("main")).to_be_visible()
    # Readers' pages are ours alone: not even a minor or moderate finding (heading order,
    # landmarks, a page without an h1) is let through.
    assert_accessible(page, impacts={"minor", "moderate", "serious", "critical"})
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, "the page must not scroll sideways"
    screenshot(page)


def log_in(page, server, user) -> None:
    """The browser carries a session made here, as after the desk's login form."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": server.url}]
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_editors_desk_has_no_serious_accessibility_violation(
    server, page, full_live, editor, screenshot, width
):
    log_in(page, server, editor)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{server.url}/editor/{full_live.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(full_live.headline)
    # The embed snippet sits in the "Gérer le direct" menu, checked open (and so its contents).
    page.get_by_text("Gérer le direct", exact=True).click()
    expect(page.get_by_role("heading", name="Intégrer ce direct sur un autre site")).to_be_visible()
    assert_accessible(page)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, "the desk must not scroll sideways"
    screenshot(page)


@pytest.mark.parametrize("who", ["editor", "contributor"])
def test_the_review_queue_and_a_contributors_desk_have_no_serious_violation(
    server, page, full_live, editor, contributor, make_post, who
):
    full_live.journalists.add(contributor)
    waiting = make_post(full_live, title="Au 30e kilomètre", author=contributor, status="draft")
    submit_for_review(post=waiting, by=contributor)
    log_in(page, server, editor if who == "editor" else contributor)
    page.goto(f"{server.url}/editor/{full_live.slug}/")
    review = page.locator("#review")
    expect(review).to_contain_text("Au 30e kilomètre")
    if who == "editor":
        review.get_by_text("Renvoyer", exact=True).click()
        expect(review.get_by_label("Note pour le contributeur")).to_be_visible()
    assert_accessible(page)


def test_ended_live_with_an_english_page_has_no_serious_violation(
    server, page, make_session, make_post
):
    session = make_session(slug="city-marathon", status="ended", language="en")
    make_post(session, title="The last runners come home", minutes=300)
    page.goto(f"{server.url}/live/{session.slug}/")
    expect(page.get_by_text("Live ended on 21 October 2025 at 20:15 UTC")).to_be_visible()
    assert_accessible(page)


def focus_outline(page) -> str:
    return page.evaluate(
        """() => {
            const style = getComputedStyle(document.activeElement);
            return `${style.outlineStyle} ${style.outlineWidth}`;
        }"""
    )


def test_keyboard_reader_skips_to_the_content_and_always_sees_where_focus_is(
    server, page, full_live
):
    page.goto(f"{server.url}/live/{full_live.slug}/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Aller au contenu")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#content$"))
    reached = []
    for _stop in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement === document.body"):
            break  # past the last control: the browser's own UI comes next
        name = page.evaluate("document.activeElement.textContent.trim().replace(/\\s+/g, ' ')")
        assert focus_outline(page) == "solid 3px", f"“{name}” has no visible focus ring"
        reached.append(name)
    # “L'essentiel” comes first (beside the posts on a wide screen, above them on a phone).
    assert reached[0] == "9H00 Arrivée de la tête de course", (
        "after skipping, focus starts in the live"
    )
    for control in (
        "Partager",
        "Lien vers cette publication",
        "Partager cette publication",
        "Afficher la publication sur Bluesky",
        "Qui est Amina Diallo ?",
    ):
        assert control in reached, f"{control} cannot be reached from the keyboard"


def test_keyboard_reader_jumps_from_the_essentials_to_the_post(server, page, full_live):
    page.goto(f"{server.url}/live/{full_live.slug}/")
    essentials = page.get_by_role("navigation", name="L'essentiel")
    link = essentials.get_by_role("link", name=re.compile("Arrivée de la tête de course"))
    link.focus()
    page.keyboard.press("Enter")
    post = page.get_by_role("article", name="Arrivée de la tête de course")
    expect(post).to_be_in_viewport()
    assert page.url.endswith(f"#{post.get_attribute('id')}")


def test_keyboard_reader_without_a_share_sheet_copies_the_links(server, browser, full_live):
    context = browser.new_context(locale="fr-FR", viewport={"width": 360, "height": 800})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    # A browser without the Web Share API (most desktop browsers).
    context.add_init_script("delete Navigator.prototype.share;")
    page = context.new_page()
    try:
        page.goto(f"{server.url}/live/{full_live.slug}/")
        page.locator("details.share > summary").focus()
        page.keyboard.press("Enter")
        copy = page.get_by_role("button", name="Copier le lien")
        expect(copy).to_be_visible()
        copy.focus()
        page.keyboard.press("Enter")
        status = page.get_by_role("status").filter(has_text="Lien copié.")
        expect(status).to_have_count(1)
        assert page.evaluate("navigator.clipboard.readText()") == (
            f"{server.url}/live/{full_live.slug}/"
        )

        post = page.get_by_role("article", name="Arrivée de la tête de course")
        post.get_by_role("button", name="Partager cette publication").focus()
        page.keyboard.press("Enter")
        post_id = post.get_attribute("id").removeprefix("post-")
        expected = f"{server.url}/live/{full_live.slug}/posts/{post_id}/"
        page.wait_for_function(
            "url => navigator.clipboard.readText().then(text => text === url)", arg=expected
        )
    finally:
        context.close()


def test_reader_with_a_share_sheet_gets_it_with_the_posts_own_page(server, browser, full_live):
    context = browser.new_context(locale="fr-FR", viewport={"width": 360, "height": 800})
    # Headless Chromium has no system share sheet to drive: this one records what it
    # is given, as a phone's would show it.
    context.add_init_script(
        "window.shared = []; navigator.share = async (data) => { window.shared.push(data); };"
    )
    page = context.new_page()
    try:
        page.goto(f"{server.url}/live/{full_live.slug}/")
        post = page.get_by_role("article", name="Arrivée de la tête de course")
        post.get_by_role("button", name="Partager cette publication").click()
        page.wait_for_function("window.shared.length === 1")
        post_id = post.get_attribute("id").removeprefix("post-")
        assert page.evaluate("window.shared[0]") == {
            "url": f"{server.url}/live/{full_live.slug}/posts/{post_id}/",
            "title": "Arrivée de la tête de course",
        }
        page.get_by_text("Partager", exact=True).click()
        page.wait_for_function("window.shared.length === 2")
        assert page.evaluate("window.shared[1]") == {
            "url": f"{server.url}/live/{full_live.slug}/",
            "title": "Marathon des Deux-Rives en direct",
        }
        expect(page.get_by_role("button", name="Copier le lien")).to_be_hidden()
    finally:
        context.close()
