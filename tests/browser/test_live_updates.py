"""A reader's live page follows the live: new posts, edits, deletions, the header, reconnection.

The server is a daphne subprocess; posts are published here, in the test
process. With the in-memory channel layer they reach the server's readers
through its check of the event log (every couple of seconds), with Redis
through the layer: either way, as readers get them in production.
"""

import re
from urllib.request import urlopen

import pytest
from playwright.sync_api import expect

from liveblog.domain.posts import delete_post, record_edit, set_pinned
from liveblog.domain.sessions import update_header
from liveblog.live.positions import before_token
from liveblog.models import Block
from tests.helpers import WAIT_MS

pytestmark = pytest.mark.django_db(transaction=True)

# Long enough for the server's log check, a restart and a reconnection with backoff.
LIVE = WAIT_MS


def open_live(page, server, session):
    # Whatever is published from here on reaches the page: it asks for everything
    # after the sequence number it was rendered at.
    page.goto(f"{server.url}/live/{session.slug}/")


def test_reader_at_the_top_sees_a_new_post_slide_in_and_hears_it(server, page, session, make_post):
    make_post(session, title="Départ donné", minutes=0)
    open_live(page, server, session)
    make_post(session, title="Premier kilomètre", minutes=4)
    post = page.get_by_role("article", name="Premier kilomètre")
    expect(post).to_be_visible(timeout=LIVE)
    articles = page.locator("#posts > article")
    expect(articles.first).to_have_accessible_name("Premier kilomètre")
    expect(page.locator("#post-count")).to_have_text("2 publications")
    expect(page.locator("[aria-live=polite]")).to_have_text(
        "Nouvelle publication : Premier kilomètre"
    )
    expect(page.get_by_role("button", name=re.compile("nouvelle"))).to_be_hidden()


def test_reader_far_down_the_page_sees_new_posts_behind_the_button(
    server, page, session, make_post, screenshot
):
    for minute in range(12):
        make_post(
            session,
            title=f"Point de passage {minute}",
            minutes=minute,
            blocks=[("paragraph", {"text": "Les coureurs passent. " * 40})],
        )
    open_live(page, server, session)
    page.get_by_role("article", name="Point de passage 3").scroll_into_view_if_needed()
    reading = page.evaluate("scrollY")
    make_post(session, title="Le vainqueur franchit la ligne", minutes=130)
    make_post(session, title="La première femme arrive", minutes=140)

    button = page.get_by_role("button", name="2 nouvelles publications")
    expect(button).to_be_visible(timeout=LIVE)
    expect(page).to_have_title(re.compile(r"^\(2\) Marathon des Deux-Rives en direct$"))
    expect(page.get_by_role("article", name="La première femme arrive")).to_have_count(0)
    assert page.evaluate("scrollY") == reading, "the page must not move under the reader"
    screenshot(page)

    button.click()
    expect(page.get_by_role("article", name="La première femme arrive")).to_be_in_viewport()
    expect(page.locator("#posts > article").first).to_have_accessible_name(
        "La première femme arrive"
    )
    expect(button).to_be_hidden()
    expect(page).to_have_title("Marathon des Deux-Rives en direct")
    expect(page.locator("#post-count")).to_have_text("14 publications")


def test_edits_replace_the_post_in_place_and_deletions_remove_it(server, page, session, make_post):
    typo = make_post(session, title="Ravitaillement au kilomètre 15", minutes=5)
    doomed = make_post(session, title="Annonce erronée", minutes=6)
    open_live(page, server, session)
    Block.objects.filter(post=typo).update(text="Ravitaillement au kilomètre 20.")
    record_edit(post=typo, by=typo.author)
    delete_post(post=doomed, by=doomed.author)

    edited = page.get_by_role("article", name="Ravitaillement au kilomètre 15")
    expect(edited).to_contain_text("Ravitaillement au kilomètre 20.", timeout=LIVE)
    expect(edited).to_contain_text(re.compile(r"Mis à jour le \d+ \S+ \d{4} à \d+H\d\d"))
    expect(page.get_by_role("article", name="Annonce erronée")).to_have_count(0)
    expect(page.locator("#posts > article")).to_have_count(1)
    expect(page.locator("#post-count")).to_have_text("1 publication")


def test_pinned_post_moves_to_the_top_and_the_header_follows_the_editor(
    server, page, session, make_post, editor
):
    key = make_post(session, title="Le parcours est modifié", minutes=5)
    make_post(session, title="Dixième kilomètre", minutes=40)
    open_live(page, server, session)
    set_pinned(post=key, pinned=True, by=editor)
    update_header(session=session, by=editor, headline="Marathon : parcours modifié à mi-course")

    pinned = page.get_by_role("region", name="Épinglé")
    expect(pinned.get_by_role("article", name="Le parcours est modifié")).to_be_visible(
        timeout=LIVE
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Marathon : parcours modifié à mi-course"
    )
    expect(page.locator("#posts").get_by_role("article")).to_have_count(1)


def test_page_recovers_after_the_server_restarts_without_losing_a_post(
    server, page, session, make_post
):
    make_post(session, title="Départ donné", minutes=0)
    open_live(page, server, session)
    server.stop()
    make_post(session, title="Publié pendant la coupure", minutes=10)
    server.start()
    make_post(session, title="Publié après la coupure", minutes=20)

    expect(page.get_by_role("article", name="Publié après la coupure")).to_be_visible(timeout=LIVE)
    expect(page.get_by_role("article", name="Publié pendant la coupure")).to_have_count(1)
    titles = page.locator("#posts > article h3").all_inner_texts()
    assert titles == ["Publié après la coupure", "Publié pendant la coupure", "Départ donné"]


def test_page_follows_the_live_by_polling_when_websockets_cannot_connect(
    server, page, session, make_post
):
    # As behind a proxy that refuses websockets: every socket the page opens is closed.
    page.route_web_socket(re.compile(r"/ws/live/"), lambda socket: socket.close())
    make_post(session, title="Départ donné", minutes=0)
    open_live(page, server, session)
    make_post(session, title="Publié sans websocket", minutes=10)
    expect(page.get_by_role("article", name="Publié sans websocket")).to_be_visible(timeout=LIVE)
    expect(page.locator("#post-count")).to_have_text("2 publications")


def test_new_posts_arrive_without_animation_for_readers_who_prefer_less_motion(
    server, page, session, make_post
):
    page.emulate_media(reduced_motion="reduce")
    open_live(page, server, session)
    make_post(session, title="Arrivée sans animation", minutes=3)
    post = page.get_by_role("article", name="Arrivée sans animation")
    expect(post).to_be_visible(timeout=LIVE)
    assert post.evaluate("element => getComputedStyle(element).animationName") == "none"


def test_reader_back_from_a_tunnel_gets_what_was_published_meanwhile_once(
    server, page, session, make_post
):
    make_post(session, title="Départ donné", minutes=0)
    open_live(page, server, session)
    page.context.set_offline(True)
    make_post(session, title="Publié dans le tunnel", minutes=10)
    page.context.set_offline(False)
    expect(page.get_by_role("article", name="Publié dans le tunnel")).to_have_count(1, timeout=LIVE)
    make_post(session, title="Publié à la sortie", minutes=20)
    expect(page.get_by_role("article", name="Publié à la sortie")).to_be_visible(timeout=LIVE)
    expect(page.locator("#posts > article")).to_have_count(3)


def test_reader_on_an_older_page_is_offered_the_new_posts_on_the_live_page(
    server, page, session, make_post
):
    make_post(session, title="Départ donné", minutes=0)
    older = make_post(session, title="Premier ravitaillement", minutes=30)
    latest = make_post(session, title="Mi-parcours", minutes=60)
    page.goto(f"{server.url}/live/{session.slug}/?before={before_token(latest)}")
    Block.objects.filter(post=older).update(text="Ravitaillement déplacé au kilomètre 12.")
    record_edit(post=older, by=older.author)
    make_post(session, title="Arrivée", minutes=130)

    button = page.get_by_role("button", name="1 nouvelle publication")
    expect(button).to_be_visible(timeout=LIVE)
    expect(page.get_by_role("article", name="Premier ravitaillement")).to_contain_text(
        "Ravitaillement déplacé au kilomètre 12."
    )
    expect(page.get_by_role("article", name="Arrivée")).to_have_count(0)
    button.click()
    expect(page).to_have_url(f"{server.url}/live/{session.slug}/")
    expect(page.locator("#posts > article").first).to_have_accessible_name("Arrivée")


def test_reader_whose_page_predates_a_correction_and_a_deletion_ends_with_the_current_posts(
    server, page, session, make_post
):
    # The page as it was rendered before the changes (a laptop asleep since then): it
    # catches up from a log in which the withdrawn words are no longer.
    make_post(session, title="Départ donné", minutes=0)
    with urlopen(f"{server.url}/live/{session.slug}/") as response:
        old_page = response.read()
    corrected = make_post(
        session,
        title="Témoin Zorglub",
        minutes=10,
        blocks=[("paragraph", {"text": "Zorglub habite rue Lumière."})],
    )
    Block.objects.filter(post=corrected).update(text="Un témoin habite le quartier.")
    corrected.title = "Un témoin"
    corrected.save()
    record_edit(post=corrected, by=corrected.author)
    doomed = make_post(session, title="Annonce erronée", minutes=20)
    delete_post(post=doomed, by=doomed.author)
    page.route(
        f"{server.url}/live/{session.slug}/",
        lambda route: route.fulfill(body=old_page, content_type="text/html; charset=utf-8"),
    )
    errors = []
    page.on("pageerror", lambda error: errors.append(error))

    open_live(page, server, session)

    shown = page.get_by_role("article", name="Un témoin")
    expect(shown).to_contain_text("Un témoin habite le quartier.", timeout=LIVE)
    expect(page.locator("#post-count")).to_have_text("2 publications")
    expect(page.get_by_role("article", name="Annonce erronée")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text("Zorglub")
    titles = page.locator("#posts > article h3").all_inner_texts()
    assert titles == ["Un témoin", "Départ donné"]
    # New to this reader, so announced as a new post, not slipped in as an edit.
    expect(page.locator("[aria-live=polite]")).to_have_text("Nouvelle publication : Un témoin")
    assert errors == []


def test_a_page_whose_socket_worked_reconnects_before_it_polls_then_polls_past_four_failures(
    server, page, session, make_post
):
    """A socket that worked and dropped is most often a server restarting: thousands of pages
    polling it meanwhile slowed its recovery threefold (the storm benchmark). Such a page
    polls only after four failed connections in a row, not two, and still gets every post."""
    page.add_init_script("Math.random = () => 0")  # no jitter: a poll once polling starts
    attempts, polls, first = [], [], []

    def sockets(socket):
        attempts.append(socket)
        if len(attempts) == 1:
            first.append(socket.connect_to_server())
        else:
            socket.close()  # the server is not back yet

    page.route_web_socket(re.compile(r"/ws/live/"), sockets)
    page.on("request", lambda request: "/events" in request.url and polls.append(len(attempts)))
    make_post(session, title="Départ donné", minutes=0)
    open_live(page, server, session)
    make_post(session, title="Avant la coupure", minutes=5)
    expect(page.get_by_role("article", name="Avant la coupure")).to_be_visible(timeout=LIVE)
    assert len(attempts) == 1 and polls == [], "the socket worked, nothing polled"
    attempts[0].close()  # the server goes away
    make_post(session, title="Pendant la coupure", minutes=10)

    expect(page.get_by_role("article", name="Pendant la coupure")).to_be_visible(timeout=LIVE)
    assert polls and polls[0] == 4, f"first poll after {polls[:1]} failed connections, not 4"
    expect(page.locator("#post-count")).to_have_text("3 publications")


def test_a_page_whose_socket_drops_at_every_message_falls_back_to_polling_and_gets_the_post(
    server, page, session, make_post
):
    # As daphne does with a frame it cannot send: the socket opens, then closes as soon as
    # the server has something for it. Reconnecting into it for ever would bring nothing.
    def drop_at_every_message(socket):
        upstream = socket.connect_to_server()
        upstream.on_message(lambda _message: socket.close())

    page.route_web_socket(re.compile(r"/ws/live/"), drop_at_every_message)
    make_post(session, title="Départ donné", minutes=0)
    open_live(page, server, session)
    make_post(session, title="Arrivé par la page", minutes=10)

    expect(page.get_by_role("article", name="Arrivé par la page")).to_be_visible(timeout=LIVE)
    expect(page.locator("#post-count")).to_have_text("2 publications")


def test_a_post_too_big_for_a_message_reaches_the_reader_by_reloading_the_page(
    server, page, session, make_post
):
    make_post(session, title="Départ donné", minutes=0)
    open_live(page, server, session)
    long_text = "<p>" + "Le peloton passe le pont sous la pluie. " * 8_000 + "</p>"
    make_post(
        session, title="Récit complet", minutes=10, blocks=[("paragraph", {"text": long_text})]
    )

    expect(page.get_by_role("article", name="Récit complet")).to_be_visible(timeout=LIVE)
    expect(page.locator("#post-count")).to_have_text("2 publications")
