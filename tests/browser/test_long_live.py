"""Reading a long live in a browser: load more in place, oldest first, one rubric, days apart,
and posts that arrive meanwhile go where they belong."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

LIVE = 20_000
PAGE = 20  # LIVEBLOG_PAGE_SIZE


def test_older_posts_load_in_place_and_the_link_still_works_without_javascript(
    server, browser, session, make_post
):
    for n in range(PAGE + 5):
        make_post(session, title=f"Point {n:02d}", minutes=n)
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.goto(f"{server.url}/live/{session.slug}/")
    expect(page.locator("#posts > article")).to_have_count(PAGE)
    page.get_by_role("link", name="Publications précédentes").click()
    expect(page.locator("#posts > article")).to_have_count(PAGE + 5)
    expect(page).to_have_url(f"{server.url}/live/{session.slug}/")
    expect(page.locator("#posts > article").last).to_have_accessible_name("Point 00")
    expect(page.get_by_role("link", name="Publications précédentes")).to_have_count(0)
    context.close()

    no_script = browser.new_context(locale="fr-FR", java_script_enabled=False)
    page = no_script.new_page()
    page.goto(f"{server.url}/live/{session.slug}/")
    page.get_by_role("link", name="Publications précédentes").click()
    expect(page).to_have_url(re.compile(r"\?before=\d+-\d+$"))
    expect(page.locator("#posts > article")).to_have_count(5)
    no_script.close()


def test_a_reader_chooses_oldest_first_and_new_posts_arrive_at_the_bottom(
    server, page, session, make_post
):
    make_post(session, title="Départ donné", minutes=0)
    make_post(session, title="Premier kilomètre", minutes=4)
    page.goto(f"{server.url}/live/{session.slug}/")
    page.get_by_label("Ordre").select_option(label="Les plus anciennes d'abord")
    page.get_by_role("button", name="Afficher").click()
    expect(page).to_have_url(re.compile(r"order=oldest"))
    make_post(session, title="Dixième kilomètre", minutes=40)
    articles = page.locator("#posts > article")
    expect(articles).to_have_count(3, timeout=LIVE)
    expect(articles.first).to_have_accessible_name("Départ donné")
    expect(articles.last).to_have_accessible_name("Dixième kilomètre")


def test_a_reader_following_one_rubric_gets_only_its_new_posts(server, page, session, make_post):
    make_post(session, title="Le peloton passe le pont", rubric="course", minutes=0)
    make_post(session, title="Les ponts fermés", rubric="circulation", minutes=1)
    page.goto(f"{server.url}/live/{session.slug}/?rubric=circulation")
    expect(page.locator("#posts > article")).to_have_count(1)
    make_post(session, title="Le peloton au kilomètre 10", rubric="course", minutes=30)
    make_post(session, title="Les ponts rouvrent", rubric="Circulation", minutes=31)
    expect(page.get_by_role("article", name="Les ponts rouvrent")).to_be_visible(timeout=LIVE)
    expect(page.get_by_role("article", name="Le peloton au kilomètre 10")).to_have_count(0)
    expect(page.locator("#post-count")).to_have_text("4 publications")


def test_a_post_after_midnight_opens_a_new_day_on_the_page(server, page, session, make_post):
    make_post(session, title="Veille au soir", minutes=0)
    make_post(session, title="Lendemain matin", minutes=24 * 60)
    page.goto(f"{server.url}/live/{session.slug}/")
    separators = page.locator("#posts > .day-break")
    expect(separators).to_have_text(["mercredi 22 octobre 2025", "mardi 21 octobre 2025"])
    make_post(session, title="Le surlendemain", minutes=48 * 60)
    expect(page.get_by_role("article", name="Le surlendemain")).to_be_visible(timeout=LIVE)
    expect(separators).to_have_text(
        ["jeudi 23 octobre 2025", "mercredi 22 octobre 2025", "mardi 21 octobre 2025"]
    )
    first = page.locator("#posts > :not(h2)").first
    expect(first).to_have_class("day-break")
