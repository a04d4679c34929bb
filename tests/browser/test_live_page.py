import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("width", [360, 1280])
def test_reader_sees_the_live_page_at_phone_and_desk_widths(
    server, page, session, make_post, make_photo, screenshot, width
):
    make_post(
        session,
        title="Arrivée de la tête de course",
        blocks=[
            ("paragraph", {"text": "Amina Diallo franchit la ligne."}),
            ("photo", {"photo": make_photo()}),
        ],
    )
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{server.url}/live/{session.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(session.headline)
    expect(page.get_by_text("Direct démarré le 21 octobre 2025 à 6H30 TU")).to_be_visible()
    post = page.get_by_role("article", name="Arrivée de la tête de course")
    expect(post).to_be_visible()
    expect(post.get_by_role("img")).to_have_attribute("alt", "Des coureurs sous une arche.")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, "the page must not scroll sideways"
    screenshot(page, f"-{width}")
