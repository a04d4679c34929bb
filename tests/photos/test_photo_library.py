"""The photo desk's rules: what a post needs to go out with photos, and the photo library."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from liveblog.domain.posts import publish_post, schedule_post
from liveblog.domain.scheduling import publish_due_posts
from liveblog.models import Event, LiveSession, Photo, PhotoCredit, Post
from tests.helpers.images import camera_exif, encoded, picture, png_header, with_iptc

pytestmark = pytest.mark.django_db

LIBRARY = "/editor/photos/"


@pytest.fixture
def desk(client, journalist, session):
    """A journalist logged in on the desk, assigned to the session."""
    session.journalists.add(journalist)
    client.force_login(journalist)
    return client


def draft_with(session, make_post, photo) -> Post:
    return make_post(session, status="draft", blocks=[("photo", {"photo": photo})])


# The publish rule


@pytest.mark.parametrize(
    "fields, message",
    [
        (
            {"alt_text": ""},
            "La photo « Le pont » doit avoir un texte alternatif pour être publiée.",
        ),
        (
            {"credit": None},
            "La photo « Le pont » doit avoir un crédit photo pour être publiée.",
        ),
        (
            {"alt_text": "  ", "credit": None},
            "La photo « Le pont » doit avoir un texte alternatif et un crédit photo pour être publiée.",
        ),
    ],
    ids=["no-alt-text", "no-credit", "neither"],
)
def test_a_post_goes_out_only_when_each_photo_has_alt_text_and_a_credit(
    session, make_post, make_photo, journalist, fields, message
):
    complete = make_photo(caption="Le départ")
    incomplete = make_photo(caption="Le pont")
    Photo.objects.filter(pk=incomplete.pk).update(**fields)
    post = make_post(
        session,
        status="draft",
        blocks=[("photo", {"photo": complete}), ("photo", {"photo": incomplete})],
    )
    with pytest.raises(ValidationError) as refused:
        publish_post(post=post, by=journalist)
    assert refused.value.messages == [message]
    post.refresh_from_db()
    assert post.status == Post.Status.DRAFT
    assert not Event.objects.filter(post=post).exists(), "readers saw nothing"


def test_scheduling_a_post_obeys_the_same_rule(session, make_post, make_photo):
    photo = make_photo(caption="Le pont", alt_text="")
    post = draft_with(session, make_post, photo)
    with pytest.raises(ValidationError):
        schedule_post(post=post, at=session.started_at, by=None)
    post.refresh_from_db()
    assert post.status == Post.Status.DRAFT


def test_a_post_whose_photos_are_complete_goes_out(session, make_post, make_photo, journalist):
    post = draft_with(session, make_post, make_photo())
    publish_post(post=post, by=journalist)
    assert post.status == Post.Status.PUBLISHED
    assert Event.objects.filter(post=post, kind="post.published").exists()


# The photo library


@pytest.fixture
def library_photos(make_photo):
    vallee = PhotoCredit.objects.create(photographer="Karim Benali", agency="Vallée Presse")
    return {
        "pont": make_photo(caption="Le peloton sur le pont des Deux-Rives."),
        "arrivee": make_photo(caption="L'arrivée de la tête de course.", credit=vallee),
        "urne": make_photo(caption="Le dépouillement à la mairie.", credit=vallee),
    }


def captions(response) -> list[str]:
    """The library's photo captions, in the order shown."""
    html = response.content.decode()
    shown = [
        caption
        for caption in (
            "Le peloton sur le pont des Deux-Rives.",
            "L&#x27;arrivée de la tête de course.",
            "Le dépouillement à la mairie.",
        )
        if caption in html
    ]
    return sorted(shown, key=html.index)


def test_the_library_finds_past_photos_by_caption(desk, library_photos):
    response = desk.get(LIBRARY, {"q": "pont"})
    assert response.status_code == 200
    assert captions(response) == ["Le peloton sur le pont des Deux-Rives."]


def test_the_library_finds_past_photos_by_credit_with_every_word(desk, library_photos):
    assert captions(desk.get(LIBRARY, {"q": "benali"})) == [
        "Le dépouillement à la mairie.",
        "L&#x27;arrivée de la tête de course.",
    ], "newest first"
    assert captions(desk.get(LIBRARY, {"q": "benali mairie"})) == ["Le dépouillement à la mairie."]


def test_the_library_says_when_nothing_matches(desk, library_photos):
    html = desk.get(LIBRARY, {"q": "tempête"}).content.decode()
    assert "Aucune photo ne correspond à cette recherche" in html


def test_the_library_shows_its_photos_credit_and_what_they_lack(desk, library_photos):
    Photo.objects.filter(pk=library_photos["pont"].pk).update(alt_text="", credit=None)
    html = desk.get(LIBRARY).content.decode()
    assert "© Vallée Presse Photo/Karim Benali" in html
    assert "Pas encore de crédit" in html
    assert "Pas encore de texte alternatif" in html


def test_a_search_as_you_type_gets_only_the_results(desk, library_photos):
    response = desk.get(LIBRARY, {"q": "pont"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="photo-results"')
    assert "<html" not in html


def test_the_library_is_for_the_desk_only(client, django_user_model, library_photos):
    assert client.get(LIBRARY).status_code == 302, "anonymous people are sent to log in"
    client.force_login(django_user_model.objects.create_user("lecteur", password="pw-lecteur-26"))
    assert client.get(LIBRARY).status_code == 403


def test_a_journalist_reuses_a_library_photo_in_their_published_post(
    desk, session, make_post, library_photos
):
    post = make_post(session)
    photo = library_photos["pont"]
    page = desk.get(LIBRARY, {"q": "pont", "session": session.slug, "post": post.pk})
    assert "Utiliser dans cette publication" in page.content.decode()
    response = desk.post(
        f"/editor/{session.slug}/posts/{post.pk}/photos/",
        {"photo": photo.pk, "q": "pont", "session": session.slug, "post": post.pk},
        follow=True,
    )
    assert "Photo ajoutée à la publication." in response.content.decode()
    assert [block.photo for block in post.blocks.all()] == [None, photo]
    update = Event.objects.filter(post=post).order_by("seq").last()
    assert update.kind == "post.updated"
    assert photo.image.url in update.html, "readers get the photo live"


def test_a_photo_without_credit_is_not_added_to_a_published_post(
    desk, session, make_post, library_photos
):
    post = make_post(session)
    photo = library_photos["pont"]
    Photo.objects.filter(pk=photo.pk).update(credit=None)
    response = desk.post(
        f"/editor/{session.slug}/posts/{post.pk}/photos/",
        {"photo": photo.pk, "session": session.slug, "post": post.pk},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert "doit avoir un crédit photo pour être publiée" in html
    assert post.blocks.filter(photo=photo).count() == 0
    assert post.version == Post.objects.get(pk=post.pk).version


def test_a_journalist_cannot_add_a_photo_to_someone_elses_post(
    desk, session, make_post, editor, library_photos
):
    post = make_post(session, author=editor)
    response = desk.post(
        f"/editor/{session.slug}/posts/{post.pk}/photos/", {"photo": library_photos["pont"].pk}
    )
    assert response.status_code == 403
    assert post.blocks.count() == 1


def test_an_editor_makes_a_library_photo_the_lead_photo(client, editor, session, library_photos):
    client.force_login(editor)
    photo = library_photos["arrivee"]
    page = client.get(LIBRARY, {"session": session.slug}).content.decode()
    assert "Utiliser comme photo principale" in page
    response = client.post(
        f"/editor/{session.slug}/lead-photo/", {"photo": photo.pk, "session": session.slug}
    )
    assert response.status_code == 302
    assert LiveSession.objects.get(pk=session.pk).lead_photo == photo
    header = Event.objects.filter(session=session).order_by("seq").last()
    assert header.kind == "session.updated"
    assert "L&#x27;arrivée de la tête de course." in header.html
    page = client.get(response.url).content.decode()
    assert "Photo principale changée : les lecteurs la voient maintenant." in page
    assert "Photo principale actuelle" in page


def test_a_journalist_cannot_change_the_lead_photo(desk, session, library_photos):
    photo = library_photos["arrivee"]
    response = desk.post(f"/editor/{session.slug}/lead-photo/", {"photo": photo.pk})
    assert response.status_code == 403
    assert LiveSession.objects.get(pk=session.pk).lead_photo is None


def test_a_photo_gone_from_the_library_is_a_clear_400(client, editor, session):
    client.force_login(editor)
    response = client.post(f"/editor/{session.slug}/lead-photo/", {"photo": "9999"})
    assert response.status_code == 400
    assert (
        "Cette photo n\N{RIGHT SINGLE QUOTATION MARK}est plus dans la photothèque."
        in response.content.decode()
    )


# The admin obeys the same rules


def test_a_post_added_in_admin_with_an_undescribed_photo_stays_a_draft(
    admin_client, session, make_photo, journalist
):
    photo = make_photo(caption="Le pont", alt_text="")
    form = {
        "session": session.pk,
        "author": journalist.pk,
        "title": "Le pont",
        "status": "published",
        "published_at_0": "2025-10-21",
        "published_at_1": "08:00:00",
        "version": 1,
        "blocks-TOTAL_FORMS": 1,
        "blocks-INITIAL_FORMS": 0,
        "blocks-MIN_NUM_FORMS": 0,
        "blocks-MAX_NUM_FORMS": 1000,
        "blocks-0-position": 0,
        "blocks-0-kind": "photo",
        "blocks-0-photo": photo.pk,
    }
    response = admin_client.post("/admin/liveblog/post/add/", form, follow=True)
    assert response.status_code == 200
    post = Post.objects.get(title="Le pont")
    assert post.status == Post.Status.DRAFT
    assert not Event.objects.filter(post=post).exists()
    assert (
        "Enregistrée comme brouillon, non publiée : La photo « Le pont » doit avoir "
        "un texte alternatif pour être publiée." in response.content.decode()
    )


def test_a_photo_uploaded_in_admin_is_checked_and_stripped_too(admin_client):
    exif = Image.Exif()
    exif.get_ifd(0x8825).update({1: "N", 2: (48.0, 51.0, 24.0)})
    buffer = io.BytesIO()
    Image.new("RGB", (700, 350), "#3366aa").save(buffer, "JPEG", exif=exif)
    upload = SimpleUploadedFile("gps.jpg", buffer.getvalue(), content_type="image/jpeg")
    fields = {"caption": "Le départ", "alt_text": "Des coureurs."}
    admin_client.post("/admin/liveblog/photo/add/", {**fields, "image": upload})
    photo = Photo.objects.get(caption="Le départ")
    assert not Image.open(photo.image.path).getexif()
    assert (photo.width, photo.height) == (700, 350)

    text = SimpleUploadedFile("notes.jpg", b"Ceci est un texte.", content_type="image/jpeg")
    response = admin_client.post("/admin/liveblog/photo/add/", {**fields, "image": text})
    assert (
        "n\N{RIGHT SINGLE QUOTATION MARK}est pas une photo utilisable" in response.content.decode()
    )


# Photos sent from the composer as soon as they are picked

UPLOAD = "/editor/photos/upload/"


def test_a_photo_sent_from_the_composer_comes_back_stored_with_its_suggested_caption_and_credit(
    desk, journalist
):
    data = with_iptc(
        encoded(picture((900, 600)), exif=camera_exif()),
        {(2, 80): "Léa Moreau", (2, 110): "Clairvue", (2, 120): "La ligne d'arrivée."},
    )
    response = desk.post(UPLOAD, {"image": SimpleUploadedFile("IMG_0042.jpg", data)})
    assert response.status_code == 200
    reply = response.json()
    photo = Photo.objects.get(pk=reply["photo"])
    assert reply["preview"] == photo.image.url
    assert reply["caption"] == "La ligne d'arrivée."
    assert reply["credit"] == "Clairvue Photo/Léa Moreau"
    assert photo.uploaded_by == journalist
    assert not Image.open(photo.image.path).getexif(), "stored without its location"


def test_a_refused_photo_gets_its_reason_in_the_journalists_language(desk):
    response = desk.post(UPLOAD, {"image": SimpleUploadedFile("photo.jpg", b"pas une image")})
    assert response.status_code == 422
    assert response.json()["error"].startswith("Ce fichier n\N{RIGHT SINGLE QUOTATION MARK}est pas")
    assert not Photo.objects.exists()


def test_only_desk_people_send_photos(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("lecteur", password="pw-lecteur-26"))
    data = encoded(picture())
    assert client.post(UPLOAD, {"image": SimpleUploadedFile("p.jpg", data)}).status_code == 403


# The composer without JavaScript: the photo travels with the form


def composer_photo(**fields) -> dict:
    data = {"action": "publish", "blocks-TOTAL_FORMS": 1, "blocks-INITIAL_FORMS": 0}
    data |= {"rubric": "", "title": "Arrivée", "scheduled_for": "", "version": ""}
    data |= {"blocks-0-kind": "photo"} | {f"blocks-0-{k}": v for k, v in fields.items()}
    return data


def agency_photo() -> SimpleUploadedFile:
    data = with_iptc(
        encoded(picture((900, 600)), exif=camera_exif()),
        {(2, 80): "Léa Moreau", (2, 110): "Clairvue", (2, 120): "La ligne d'arrivée."},
    )
    return SimpleUploadedFile("IMG_0042.jpg", data, content_type="image/jpeg")


def test_caption_and_credit_read_from_the_photo_are_shown_to_check_before_publishing(desk, session):
    url = f"/editor/{session.slug}/posts/new/"
    sent = composer_photo(image=agency_photo(), alt_text="Une coureuse franchit la ligne.")
    response = desk.post(url, sent)
    html = response.content.decode()
    assert response.status_code == 422
    assert "Légende et crédit ont été lus dans la photo : vérifiez-les" in html
    assert 'value="La ligne d&#x27;arrivée."' in html
    assert 'value="Clairvue Photo/Léa Moreau"' in html
    assert 'value="Une coureuse franchit la ligne."' in html, "what was typed is kept"
    assert not Post.objects.exists()
    photo = Photo.objects.get()
    checked = composer_photo(
        photo=photo.pk,
        caption="La ligne d'arrivée.",
        alt_text="Une coureuse franchit la ligne.",
        credit="Clairvue Photo/Léa Moreau",
    )
    desk.post(url, checked)
    post = Post.objects.get()
    assert post.is_published
    assert "© Clairvue Photo/Léa Moreau" in desk.get(session.get_absolute_url()).content.decode()


def test_a_typed_caption_and_credit_win_over_the_photos_metadata(desk, session):
    sent = composer_photo(
        image=agency_photo(),
        caption="Amina Diallo gagne.",
        alt_text="Une coureuse franchit la ligne.",
        credit="Karim Benali",
    )
    desk.post(f"/editor/{session.slug}/posts/new/", sent)
    photo = Post.objects.get().blocks.get().photo
    assert photo.caption == "Amina Diallo gagne."
    assert photo.credit.label == "© Karim Benali"


def test_a_refused_photo_says_why_next_to_its_field_and_keeps_the_rest(desk, session):
    bomb = SimpleUploadedFile("bombe.png", png_header(30_000, 30_000), content_type="image/png")
    sent = composer_photo(image=bomb, caption="Au départ", alt_text="Des coureurs.")
    html = desk.post(f"/editor/{session.slug}/posts/new/", sent).content.decode()
    assert "Cette image a trop de pixels (64 millions au plus)" in html
    assert 'value="Au départ"' in html
    assert not Photo.objects.exists()


def test_the_composer_offers_the_library_and_sends_photos_at_once(desk, session):
    html = desk.get(f"/editor/{session.slug}/").content.decode()
    html += desk.post(
        f"/editor/{session.slug}/posts/new/", composer_photo() | {"change": "add-photo"}
    ).content.decode()
    assert 'data-url="/editor/photos/upload/"' in html
    assert 'data-max-bytes="26214400"' in html
    assert "Ou choisissez une photo dans la photothèque" in html
    assert "/static/liveblog/photo-upload.js" in html


def test_a_scheduled_post_whose_photo_lost_its_credit_goes_back_to_drafts_without_holding_up_others(
    session, make_post, make_photo
):
    photo = make_photo(caption="Le pont")
    blocked = make_post(
        session, status="scheduled", minutes=10, blocks=[("photo", {"photo": photo})]
    )
    later = make_post(session, title="Après", status="scheduled", minutes=20)
    Photo.objects.filter(pk=photo.pk).update(credit=None)
    published = publish_due_posts(now=later.published_at)
    assert published == [later]
    blocked.refresh_from_db()
    assert blocked.status == Post.Status.DRAFT


def test_a_photo_without_alt_text_cannot_lead_the_live(client, editor, session, library_photos):
    client.force_login(editor)
    photo = library_photos["pont"]
    Photo.objects.filter(pk=photo.pk).update(alt_text="")
    response = client.post(
        f"/editor/{session.slug}/lead-photo/",
        {"photo": photo.pk, "session": session.slug},
        headers={"HX-Request": "true"},
    )
    assert (
        "La photo « Le peloton sur le pont des Deux-Rives. » doit avoir un texte alternatif "
        "et un crédit photo pour illustrer le direct." in response.content.decode()
    )
    assert LiveSession.objects.get(pk=session.pk).lead_photo is None
