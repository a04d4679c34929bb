"""Photos on the desk in a real browser: picked, dropped, chosen from the library, published."""

import base64
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from liveblog.models import Photo, PhotoCredit
from tests.helpers import wait_until
from tests.helpers.images import camera_exif, encoded, picture, with_iptc

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "pw-jeanne-2026"


@pytest.fixture
def jeanne_logged_in(server, page, settings, journalist, session):
    """Jeanne, journalist of the session, logged in and on her list of lives."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    journalist.set_password(PASSWORD)
    journalist.save()
    session.journalists.add(journalist)
    page.goto(f"{server.url}/editor/login/")
    page.get_by_label("Nom d\u2019utilisateur").fill("jeanne")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("link", name=session.headline)).to_be_visible()
    return page


@pytest.fixture
def desk_page(server, jeanne_logged_in, session):
    """Jeanne logged in on the session's desk, with a photo block open."""
    page = jeanne_logged_in
    page.goto(f"{server.url}/editor/{session.slug}/")
    page.get_by_label("Titre", exact=True).fill("Arrivée au pont")
    page.get_by_role("button", name="Photo", exact=True).click()
    return page


def agency_jpeg() -> bytes:
    """A 1400-pixel agency photo with its IPTC caption and byline, and a phone's GPS."""
    return with_iptc(
        encoded(picture((1400, 900)), exif=camera_exif()),
        {(2, 80): "Léa Moreau", (2, 110): "Clairvue", (2, 120): "Le pont des Deux-Rives."},
    )


def photo_block(page):
    return page.get_by_role("group", name="Bloc 2 · Photo")


def publish_and_read(page, server, session):
    page.get_by_role("button", name="Publier maintenant").click()
    expect(page.get_by_text("Publication publiée.")).to_be_visible()
    page.goto(f"{server.url}/live/{session.slug}/")
    return page.get_by_role("article", name="Arrivée au pont")


def test_a_photo_picked_with_the_file_picker_is_prefilled_and_published_with_renditions(
    server, desk_page, session, tmp_path, screenshot
):
    path = tmp_path / "IMG_0042.jpg"
    path.write_bytes(agency_jpeg())
    block = photo_block(desk_page)
    block.get_by_label("Photo", exact=True).set_input_files(path)

    expect(block.get_by_role("status")).to_contain_text("Photo reçue.")
    expect(block.get_by_role("status")).to_contain_text("Légende et crédit ont été lus")
    expect(block.get_by_role("img", name="Aperçu de la photo envoyée")).to_be_visible()
    expect(block.get_by_label("Légende")).to_have_value("Le pont des Deux-Rives.")
    expect(block.get_by_label("Crédit photo")).to_have_value("Clairvue Photo/Léa Moreau")
    block.get_by_label("Texte alternatif").fill("Des coureurs sur un pont.")
    screenshot(desk_page, "-composer")

    post = publish_and_read(desk_page, server, session)
    image = post.get_by_role("img", name="Des coureurs sur un pont.")
    expect(image).to_be_visible()
    expect(post.get_by_text("© Clairvue Photo/Léa Moreau")).to_be_visible()
    expect(image).to_have_attribute("width", "1400")
    # Renditions are made in the background after the upload: a reload then offers them.
    webp = desk_page.locator("#posts source[type='image/webp']")
    reload_until_present(desk_page, webp)
    expect(webp).to_have_attribute("srcset", srcset_of((320, 640, 960, 1280, 1400), "webp"))
    expect(desk_page.locator("#posts img")).to_have_attribute("src", re.compile(r"-960\.jpg$"))
    # A 44rem column on a 1280-pixel screen: the browser takes the 960-pixel WebP, not the original.
    shown = desk_page.locator("#posts img").evaluate(
        "(img) => img.decode().then(() => img.currentSrc)"
    )
    assert shown.endswith("-960.webp"), shown
    assert Photo.objects.count() == 1, "the photo was stored once"
    screenshot(desk_page, "-live")


def srcset_of(widths, extension):
    return re.compile(", ".join(rf"\S+-{width}\.{extension} {width}w" for width in widths))


def reload_until_present(page, locator):
    def present() -> bool:
        if locator.count():
            return True
        page.wait_for_timeout(200)
        page.reload()
        return False

    wait_until(present, f"{locator} to appear")


def test_a_photo_picked_while_the_desk_is_still_loading_is_sent_once_its_script_runs(
    server, jeanne_logged_in, session, tmp_path
):
    """A journalist quicker than a slow network: the file is chosen before photo-upload.js
    has run, so its "change" went unheard. The script sends it when it arrives."""
    page = jeanne_logged_in
    page.wait_for_load_state()
    held = []  # the desk's photo-upload.js, answered only once the photo is picked
    page.route("**/photo-upload*.js", lambda route: held.append(route))
    page.goto(f"{server.url}/editor/{session.slug}/", wait_until="commit")
    page.get_by_label("Titre", exact=True).fill("Arrivée au pont")
    page.get_by_role("button", name="Photo", exact=True).click()
    path = tmp_path / "IMG_0042.jpg"
    path.write_bytes(agency_jpeg())
    block = photo_block(page)
    block.get_by_label("Photo", exact=True).set_input_files(path)
    wait_until(lambda: held or page.wait_for_timeout(50), "the page asking for photo-upload.js")
    assert not Photo.objects.exists()
    held[-1].continue_()  # the page's own request (a block added without desk.js reloads it)

    expect(block.get_by_role("img", name="Aperçu de la photo envoyée")).to_be_visible()
    expect(block.get_by_label("Légende")).to_have_value("Le pont des Deux-Rives.")
    block.get_by_label("Texte alternatif").fill("Des coureurs sur un pont.")
    post = publish_and_read(page, server, session)
    expect(post.get_by_role("img")).to_be_visible()
    assert Photo.objects.count() == 1, "the photo was stored once"


def test_a_photo_dropped_on_its_block_is_sent_at_once(server, desk_page, session):
    block = photo_block(desk_page)
    expect(block.get_by_label("Photo", exact=True)).to_be_visible()
    payload = base64.b64encode(encoded(picture((640, 360)))).decode()
    transfer = desk_page.evaluate_handle(
        """(payload) => {
            const bytes = Uint8Array.from(atob(payload), (c) => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], "pont.jpg", { type: "image/jpeg" }));
            return transfer;
        }""",
        payload,
    )
    block.dispatch_event("drop", {"dataTransfer": transfer})
    expect(block.get_by_role("status")).to_have_text("Photo reçue.")
    block.get_by_label("Légende").fill("Le pont vu du ciel.")
    block.get_by_label("Texte alternatif").fill("Un pont couvert de coureurs.")
    block.get_by_label("Crédit photo").fill("Karim Benali")
    post = publish_and_read(desk_page, server, session)
    expect(post.get_by_role("img", name="Un pont couvert de coureurs.")).to_be_visible()


def test_a_file_that_is_not_a_photo_is_refused_next_to_its_field(
    server, desk_page, session, tmp_path
):
    path = tmp_path / "notes.jpg"
    path.write_text("Le peloton passe le pont.")
    block = photo_block(desk_page)
    block.get_by_label("Légende").fill("Au pont")
    block.get_by_label("Photo", exact=True).set_input_files(path)
    expect(block.get_by_role("status")).to_contain_text("n\u2019est pas une photo utilisable")
    expect(block.get_by_label("Légende")).to_have_value("Au pont")


def test_a_photo_from_the_library_is_used_in_a_new_post(server, desk_page, session, make_photo):
    credit = PhotoCredit.objects.create(agency="Clairvue", photographer="Léa Moreau")
    make_photo(caption="Le pont suspendu au lever du jour.", credit=credit)
    make_photo(caption="La mairie le soir du scrutin.", credit=credit)
    block = photo_block(desk_page)
    block.get_by_text("Ou choisissez une photo dans la photothèque").click()
    expect(block.get_by_text("La mairie le soir du scrutin.")).to_be_visible()
    block.get_by_label("Rechercher dans la photothèque").fill("pont")
    expect(block.get_by_text("La mairie le soir du scrutin.")).to_be_hidden()
    block.get_by_role("button", name="Utiliser dans ma publication en cours").click()
    expect(block.get_by_role("status")).to_have_text("Photo choisie dans la photothèque.")
    expect(block.get_by_label("Légende")).to_have_value("Le pont suspendu au lever du jour.")
    expect(block.get_by_label("Crédit photo")).to_have_value("© Clairvue Photo/Léa Moreau")
    post = publish_and_read(desk_page, server, session)
    expect(post.get_by_text("Le pont suspendu au lever du jour.")).to_be_visible()
    assert Photo.objects.count() == 2, "reused, not copied"


def test_a_pasted_photo_goes_to_the_photo_block(server, desk_page, session):
    block = photo_block(desk_page)
    expect(block.get_by_label("Photo", exact=True)).to_be_visible()
    block.get_by_label("Légende", exact=True).click()
    payload = base64.b64encode(encoded(picture((640, 360)), "PNG")).decode()
    desk_page.evaluate(
        """(payload) => {
            const bytes = Uint8Array.from(atob(payload), (c) => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], "capture.png", { type: "image/png" }));
            const paste = new ClipboardEvent("paste", { clipboardData: transfer, bubbles: true });
            document.activeElement.dispatchEvent(paste);
        }""",
        payload,
    )
    expect(block.get_by_role("status")).to_have_text("Photo reçue.")
    expect(block.get_by_role("img", name="Aperçu de la photo envoyée")).to_be_visible()


def test_a_large_photo_shows_a_progress_bar_while_it_travels(server, desk_page, session, tmp_path):
    path = tmp_path / "grand.jpg"
    Image.effect_noise((1600, 1000), 80).convert("RGB").save(path, "JPEG", quality=98)
    # Remember every bar the page shows, however briefly: a local upload is quick.
    desk_page.evaluate(
        """() => {
            window.progressBars = [];
            new MutationObserver((changes) => changes.forEach((change) =>
                change.addedNodes.forEach((node) => {
                    if (node.matches && node.matches("progress")) {
                        window.progressBars.push(node.getAttribute("aria-label"));
                    }
                })
            )).observe(document.body, { childList: true, subtree: true });
        }"""
    )
    block = photo_block(desk_page)
    block.get_by_label("Photo", exact=True).set_input_files(path)
    expect(block.get_by_role("status")).to_have_text("Photo reçue.")
    assert desk_page.evaluate("window.progressBars") == ["Envoi de la photo…"]
    expect(block.get_by_role("progressbar")).to_have_count(0)
    expect(desk_page.get_by_role("button", name="Publier maintenant")).to_be_enabled()
