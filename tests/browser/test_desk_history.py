"""Back on the desk after filtering its timeline: the page comes back whole and working.

The timeline's filters push their address; Back used to redraw the desk from htmx's
snapshot of it, where the formatted text showed words that never reached the form and
the desk's scripts did not run again for the new elements. The desk now reloads instead.
"""

import pytest
from playwright.sync_api import expect

from liveblog.models import Post

pytestmark = pytest.mark.django_db(transaction=True)

KEY_DELAY = 60


@pytest.fixture
def jeanne(settings, journalist, session):
    """The server checks passwords with the real hasher, so set it with it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    journalist.set_password("pw-jeanne-2026")
    journalist.save()
    session.journalists.add(journalist)
    return journalist


def test_back_from_a_timeline_filter_leaves_a_desk_that_writes_and_publishes(
    server, page, jeanne, session, make_post
):
    make_post(session, title="Le départ est donné")
    page.goto(f"{server.url}/editor/login/")
    page.get_by_label("Nom d\u2019utilisateur").press_sequentially("jeanne", delay=KEY_DELAY)
    page.get_by_label("Mot de passe").press_sequentially("pw-jeanne-2026", delay=KEY_DELAY)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Mes directs")).to_be_visible()
    desk = f"{server.url}/editor/{session.slug}/"
    page.goto(desk)
    expect(page.locator("[data-desk-notes][data-connected]")).to_be_attached()

    page.locator("#timeline .timeline-shows a", has_text="Publiées").click()
    page.wait_for_url("**show=published**")
    page.go_back()
    page.wait_for_url(desk)

    # The desk's own socket is open again for this page's notes.
    expect(page.locator("[data-desk-notes][data-connected]")).to_be_attached()
    blocks = page.locator("form[data-composer] [data-blocks] > li")
    expect(blocks).to_have_count(1)
    # One click, one block: the scripts listen once.
    page.locator("form[data-composer] [data-add-block=paragraph]").click()
    expect(blocks).to_have_count(2)
    page.locator("form[data-composer] [data-blocks] > li").nth(1).get_by_role(
        "button", name="Retirer"
    ).click()
    expect(blocks).to_have_count(1)

    page.get_by_label("Titre", exact=True).press_sequentially(
        "Ravitaillement au kilomètre 30", delay=KEY_DELAY
    )
    text = blocks.first.locator(".rich-text")
    text.click()
    text.press_sequentially("Les bénévoles tendent les gobelets.", delay=KEY_DELAY)
    text.press("Control+Enter")

    title = page.locator("#timeline .desk-item-title", has_text="Ravitaillement au kilomètre 30")
    expect(title).to_be_visible()
    post = Post.objects.get(title="Ravitaillement au kilomètre 30")
    assert post.status == "published"
    assert "Les bénévoles tendent les gobelets." in post.blocks.get().text
