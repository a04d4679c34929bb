"""The reader's page as a newsroom's front: it fits a phone, reaches every reader, and its
rail, summary and status follow the live.

Published here, the posts reach the daphne subprocess's readers through its check of the
event log (see conftest), as in production.
"""

import re

import pytest
from playwright.sync_api import expect

from liveblog.delivery.catchup import CATCH_UP_LIMIT
from liveblog.domain.posts import record_edit, set_key_event
from liveblog.domain.sessions import archive_session, end_session, update_header
from liveblog.models import PhotoCredit

pytestmark = pytest.mark.django_db(transaction=True)

# Long enough for the server's log check and a poll of the catch-up URL (every 5 s).
LIVE = 20_000
NO_WEBSOCKET_API = "Object.defineProperty(window, 'WebSocket', {value: undefined});"


def live_url(server, session) -> str:
    return f"{server.url}/live/{session.slug}/"


def errors_of(page) -> list[str]:
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def test_a_very_long_photo_credit_wraps_instead_of_widening_a_phone_page(
    server, page, session, make_post, make_photo
):
    credit = PhotoCredit.objects.create(
        photographer="service de presse de la présidence ukrainienne",
        agency="Agence-internationale-de-photographie-de-presse-des-Deux-Rives",
        via="AP",
    )
    photo = make_photo(credit=credit, size=(640, 360))
    make_post(session, title="Le pont rouvre", blocks=[("photo", {"photo": photo})])
    update_header(session=session, by=None, lead_photo=photo)
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(live_url(server, session))
    expect(page.locator(".credit").first).to_contain_text("via AP")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_a_browser_without_the_websocket_api_polls_and_gets_every_post(
    server, page, session, make_post
):
    page.add_init_script(NO_WEBSOCKET_API)
    errors = errors_of(page)
    make_post(session, title="Départ donné", minutes=0)
    page.goto(live_url(server, session))
    make_post(session, title="Publié pour les lecteurs sans websocket", minutes=10)
    make_post(session, title="Et le suivant aussi", minutes=12)
    expect(page.get_by_role("article", name="Et le suivant aussi")).to_be_visible(timeout=LIVE)
    expect(
        page.get_by_role("article", name="Publié pour les lecteurs sans websocket")
    ).to_have_count(1)
    expect(page.locator("#post-count")).to_have_text("3 publications")
    assert errors == []


def test_after_a_long_sleep_the_page_reloads_cleanly_with_what_it_missed(
    server, page, session, make_post
):
    page.add_init_script(NO_WEBSOCKET_API)
    errors = errors_of(page)
    first = make_post(session, title="Départ donné", minutes=0)
    page.goto(live_url(server, session))
    page.context.set_offline(True)
    # More changes than the catch-up URL replays: the page must start afresh.
    for _ in range(CATCH_UP_LIMIT + 1):
        record_edit(post=first, by=first.author)
    make_post(session, title="Publié pendant le sommeil", minutes=30)
    page.context.set_offline(False)
    expect(page.get_by_role("article", name="Publié pendant le sommeil")).to_be_visible(
        timeout=LIVE
    )
    assert page.evaluate("performance.getEntriesByType('navigation')[0].type") == "reload"
    expect(page.locator("#posts > article")).to_have_count(2)
    assert errors == []


UNDER_THE_BUTTON = """button => {
    const box = button.getBoundingClientRect();
    button.style.visibility = "hidden";
    const points = [[box.left + 2, box.top + 2], [box.right - 2, box.top + 2],
                    [box.left + 2, box.bottom - 2], [box.right - 2, box.bottom - 2],
                    [(box.left + box.right) / 2, (box.top + box.bottom) / 2]];
    const under = points.map(([x, y]) => document.elementFromPoint(x, y));
    button.style.visibility = "";
    return under.map(element => element.closest(".live-bar") ? "bar" : element.outerHTML.slice(0, 80));
}"""


def test_the_new_posts_button_covers_no_post_wherever_the_reader_is(
    server, page, session, make_post
):
    for minute in range(8):
        make_post(
            session,
            title=f"Point de passage {minute}",
            minutes=minute,
            key_event=minute == 2,
            blocks=[("paragraph", {"text": "Les coureurs passent. " * 40})],
        )
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_url(server, session))
    page.get_by_role("article", name="Point de passage 4").scroll_into_view_if_needed()
    bar_height = page.locator(".live-bar").evaluate("bar => bar.offsetHeight")
    reading = page.get_by_role("article", name="Point de passage 4").bounding_box()["y"]
    make_post(session, title="Le vainqueur franchit la ligne", minutes=130)
    button = page.get_by_role("button", name="1 nouvelle publication")
    expect(button).to_be_visible(timeout=LIVE)
    # The bar keeps its height: what the reader reads does not move.
    assert page.locator(".live-bar").evaluate("bar => bar.offsetHeight") == bar_height
    assert page.get_by_role("article", name="Point de passage 4").bounding_box()["y"] == reading
    # Only the page's own bar is under the button: no rubric, title or text is hidden.
    assert button.evaluate(UNDER_THE_BUTTON) == ["bar"] * 5

    page.get_by_role("navigation", name="L'essentiel").get_by_role("link").first.click()
    target = page.get_by_role("article", name="Point de passage 2")
    expect(target).to_be_in_viewport()
    assert button.evaluate(UNDER_THE_BUTTON) == ["bar"] * 5
    pill = button.bounding_box()
    for part in (target.locator(".rubric"), target.get_by_role("heading")):
        box = part.bounding_box()
        assert box["y"] >= pill["y"] + pill["height"], "the post's header is under the bar"


def test_the_share_control_looks_like_a_button_and_opens_the_links(server, page, session):
    page.goto(live_url(server, session))
    control = page.locator("details.share > summary")
    style = control.evaluate(
        "element => { const s = getComputedStyle(element);"
        " return {display: s.display, border: s.borderTopWidth, radius: s.borderTopLeftRadius}; }"
    )
    assert style["display"] != "list-item", "no disclosure triangle"
    assert style["border"] != "0px" and style["radius"] != "0px"
    control.click()
    expect(page.get_by_role("link", name="E-mail")).to_be_visible()


def test_marking_a_key_event_puts_it_in_the_essentials_at_once_and_unmarking_removes_it(
    server, page, session, make_post, editor
):
    make_post(session, title="Départ donné", minutes=0, key_event=True)
    finish = make_post(session, title="Amina Diallo l'emporte", minutes=150)
    page.goto(live_url(server, session))
    essentials = page.get_by_role("navigation", name="L'essentiel")
    expect(essentials.get_by_role("link")).to_have_count(1)

    set_key_event(post=finish, key_event=True, by=editor)
    expect(essentials.get_by_role("link").first).to_have_text(
        "9H00 Amina Diallo l'emporte", timeout=LIVE
    )
    expect(essentials.get_by_role("link")).to_have_count(2)
    essentials.get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(f"#post-{finish.pk}$"))

    set_key_event(post=finish, key_event=False, by=editor)
    expect(essentials.get_by_role("link")).to_have_count(1, timeout=LIVE)
    expect(essentials.get_by_role("link")).to_have_text("6H30 Départ donné")


def test_the_summary_editors_write_reaches_readers_as_a_list(server, page, session, editor):
    page.goto(live_url(server, session))
    update_header(
        session=session,
        by=editor,
        summary="Amina Diallo bat le record de l'épreuve\nLes ponts rouvrent à 14 heures",
    )
    summary = page.get_by_role("region", name="Résumé")
    expect(summary.get_by_role("listitem")).to_have_text(
        ["Amina Diallo bat le record de l'épreuve", "Les ponts rouvrent à 14 heures"],
        timeout=LIVE,
    )
    update_header(session=session, by=editor, summary="Les ponts ont rouvert")
    expect(summary.get_by_role("listitem")).to_have_text(["Les ponts ont rouvert"], timeout=LIVE)


def test_an_ended_then_archived_live_says_so_without_a_reload(server, page, session, editor):
    page.goto(live_url(server, session))
    expect(page.get_by_text("Direct démarré le 21 octobre 2025 à 6H30 TU")).to_be_visible()
    end_session(session=session, by=editor)
    expect(page.locator(".status--ended")).to_contain_text("Direct terminé le", timeout=LIVE)
    archive_session(session=session, by=editor)
    expect(page.get_by_text("Direct archivé")).to_be_visible(timeout=LIVE)
    expect(page.locator(".status--live")).to_have_count(0)
