"""Editors run a live from the desk, without the admin; journalists cannot."""

import pytest

from liveblog.models import AuditEntry, LiveSession, Photo, Post
from tests.helpers import composer_data, jpeg, paragraph

pytestmark = pytest.mark.django_db


@pytest.fixture
def eclient(client, editor):
    client.force_login(editor)
    return client


def new_live(**fields) -> dict:
    return {
        "headline": "Nuit électorale à Valmont",
        "slug": "",
        "language": "fr",
        "standfirst": "Les résultats bureau par bureau.",
        "credits": "Jeanne Martin et Hugo Lefèvre",
        "starts_at": "",
        "ends_at": "",
        "lead_photo": "",
        "lead_caption": "",
        "lead_alt_text": "",
        "lead_credit": "",
    } | fields


def test_an_editor_creates_a_live_from_the_desk_with_an_uploaded_lead_photo(eclient):
    page = eclient.get("/editor/").content.decode()
    assert 'href="/editor/new/"' in page and "Nouveau direct" in page
    data = new_live(
        lead_image=jpeg("mairie.jpg"),
        lead_caption="La mairie de Valmont, le soir du vote.",
        lead_alt_text="La façade éclairée de la mairie.",
        lead_credit="Clairvue Photo/Léa Moreau",
        starts_at="2031-06-14T18:00",
        ends_at="2031-06-15T01:00",
    )
    response = eclient.post("/editor/new/", data)
    assert response.status_code == 302
    assert response["Location"] == "/editor/nuit-electorale-a-valmont/people/"
    live = LiveSession.objects.get(slug="nuit-electorale-a-valmont")
    assert live.status == "scheduled" and live.language == "fr"
    assert live.credits == "Jeanne Martin et Hugo Lefèvre"
    assert f"{live.scheduled_for:%Y-%m-%d %H:%M}" == "2031-06-14 18:00"
    assert live.lead_photo.alt_text == "La façade éclairée de la mairie."
    assert live.lead_photo.credit.label == "© Clairvue Photo/Léa Moreau"
    reader = eclient.get(f"/live/{live.slug}/").content.decode()
    assert "Direct prévu le 14 juin 2031 à 18H00 TU" in reader


def test_a_mistake_in_the_form_keeps_the_uploaded_photo_and_everything_typed(eclient):
    data = new_live(
        headline="",
        lead_image=jpeg(),
        lead_caption="La mairie.",
        lead_alt_text="Une mairie.",
        lead_credit="Léa Moreau",
    )
    response = eclient.post("/editor/new/", data)
    html = response.content.decode()
    assert response.status_code == 422
    assert "Ce champ est obligatoire." in html
    photo = Photo.objects.get()
    assert f'<option value="{photo.pk}" selected>' in html
    assert "Les résultats bureau par bureau." in html
    assert not LiveSession.objects.exists()


def test_a_library_photo_without_credit_cannot_lead_the_live(eclient, make_photo):
    photo = make_photo(alt_text="")
    response = eclient.post("/editor/new/", new_live(lead_photo=photo.pk))
    assert response.status_code == 422
    assert "doit avoir un texte alternatif et un crédit photo" in response.content.decode()


def test_a_taken_slug_is_refused_next_to_the_field(eclient, session):
    response = eclient.post("/editor/new/", new_live(slug="marathon"))
    assert response.status_code == 422
    assert "Un direct utilise déjà le slug « marathon »." in response.content.decode()


def test_a_slug_the_site_uses_is_refused_with_a_message_and_nothing_is_created(eclient):
    response = eclient.post("/editor/new/", new_live(slug="photos"))
    assert response.status_code == 422
    assert (
        "Le slug « photos » est réservé : le site utilise déjà cette adresse. "
        "Choisissez un autre slug."
    ) in response.content.decode()
    assert not LiveSession.objects.exists()
    assert eclient.get("/editor/photos/").status_code == 200, "the photo library is still there"


def test_a_headline_that_is_a_site_address_gets_a_free_slug(eclient):
    response = eclient.post("/editor/new/", new_live(headline="Alerts"))
    assert response.status_code == 302
    assert LiveSession.objects.get().slug == "alerts-2"


def test_journalists_cannot_create_or_run_a_live(client, journalist, session):
    session.journalists.add(journalist)
    client.force_login(journalist)
    assert "/editor/new/" not in client.get("/editor/").content.decode()
    desk = client.get(f"/editor/{session.slug}/").content.decode()
    assert "Rouvrir le direct" not in desk and "Rubriques" not in desk
    assert client.post("/editor/new/", new_live()).status_code == 403
    assert client.post(f"/editor/{session.slug}/people/", {"journalists": []}).status_code == 403
    assert client.post(f"/editor/{session.slug}/rubrics/", {"name": "Météo"}).status_code == 403
    assert not LiveSession.objects.exclude(pk=session.pk).exists()
    assert list(session.journalists.all()) == [journalist]
    assert not session.rubrics.exists()


def test_an_editor_assigns_journalists_who_then_find_the_live_on_their_desk(
    eclient, client, journalist, make_session
):
    live = make_session(slug="tempete", status="scheduled")
    page = eclient.get("/editor/tempete/people/").content.decode()
    assert "Jeanne Martin" in page
    eclient.post("/editor/tempete/people/", {"journalists": [journalist.pk]})
    assert list(live.journalists.all()) == [journalist]
    client.force_login(journalist)
    assert "Marathon des Deux-Rives en direct" in client.get("/editor/").content.decode()


def test_rubrics_offered_in_a_live_keep_their_case_and_are_suggested_by_the_composer(
    eclient, session, make_post
):
    make_post(session, rubric="diplomatie")
    response = eclient.post("/editor/marathon/rubrics/", {"name": "Diplomatie"}, follow=True)
    html = response.content.decode()
    assert "« Diplomatie » est proposée dans ce direct." in html
    assert '<span class="rubric">Diplomatie</span>' in html
    desk = eclient.get("/editor/marathon/").content.decode()
    assert '<option value="Diplomatie">' in desk
    assert (
        '<span class="rubric">Diplomatie</span>' in eclient.get("/live/marathon/").content.decode()
    )


def test_starting_an_ended_live_reopens_it_instead_of_a_server_error(eclient, make_session):
    live = make_session(slug="tempete", status="ended")
    desk = eclient.get("/editor/tempete/").content.decode()
    assert "Rouvrir le direct" in desk and "Archiver le direct" in desk
    response = eclient.post("/editor/tempete/start/", follow=True)
    assert response.status_code == 200
    assert "Le direct a repris." in response.content.decode()
    live.refresh_from_db()
    assert live.status == "live" and live.ended_at is None
    reader = eclient.get("/live/tempete/").content.decode()
    assert "Direct démarré le" in reader and "Direct terminé" not in reader


def test_an_editor_reopens_then_ends_and_archives_a_live(eclient, make_session):
    make_session(slug="tempete", status="ended")
    eclient.post("/editor/tempete/reopen/")
    eclient.post("/editor/tempete/end/")
    response = eclient.post("/editor/tempete/archive/", follow=True)
    assert "est archivé" in response.content.decode()
    assert LiveSession.objects.get(slug="tempete").status == "archived"
    assert "Direct archivé" in eclient.get("/live/tempete/").content.decode()
    logged = AuditEntry.objects.filter(session_label__startswith="Marathon").values_list(
        "action", flat=True
    )
    assert {"session.reopened", "session.ended", "session.archived"} <= set(logged)


def test_archiving_a_running_live_is_refused_with_a_reason(eclient, session):
    response = eclient.post("/editor/marathon/archive/", follow=True)
    assert (
        "Terminez le direct avant de l\N{RIGHT SINGLE QUOTATION MARK}archiver."
        in response.content.decode()
    )
    assert LiveSession.objects.get(slug="marathon").status == "live"


def test_a_live_that_never_went_public_is_deleted_after_a_confirmation(eclient, make_session):
    make_session(slug="erreur", status="scheduled")
    page = eclient.get("/editor/erreur/delete/").content.decode()
    assert "Supprimer ce direct ?" in page
    response = eclient.post("/editor/erreur/delete/", follow=True)
    assert "est supprimé" in response.content.decode()
    assert not LiveSession.objects.filter(slug="erreur").exists()


def test_a_started_live_cannot_be_deleted_and_the_desk_says_why(eclient, session):
    page = eclient.get("/editor/marathon/delete/").content.decode()
    assert "Ce direct ne peut pas être supprimé" in page
    assert "Terminez-le puis archivez-le." in page
    assert eclient.post("/editor/marathon/delete/").status_code == 409
    assert LiveSession.objects.filter(slug="marathon").exists()


def test_the_schedule_page_plans_the_end_of_a_running_live(eclient, session):
    page = eclient.get("/editor/marathon/schedule/").content.decode()
    assert "Fin prévue (TU)" in page
    eclient.post("/editor/marathon/schedule/", {"ends_at": "2031-01-01T20:00"})
    session.refresh_from_db()
    assert f"{session.scheduled_end:%Y-%m-%d %H:%M}" == "2031-01-01 20:00"


def test_publishing_into_an_ended_live_asks_first_and_keeps_the_post(eclient, make_session):
    make_session(slug="tempete", status="ended")
    data = composer_data(paragraph("Le vent retombe enfin."), title="Dernière minute")
    response = eclient.post("/editor/tempete/posts/new/", data)
    html = response.content.decode()
    assert response.status_code == 409
    assert "Ce direct est terminé. Publier quand même ?" in html
    assert 'value="Le vent retombe enfin."' in html and 'value="Dernière minute"' in html
    assert not Post.objects.exists()
    kept = {"after_end": "confirmed", **{k: v for k, v in data.items() if k != "action"}}
    eclient.post("/editor/tempete/posts/new/", kept | {"action": "publish"})
    post = Post.objects.get()
    assert post.is_published and post.title == "Dernière minute"


def test_the_ended_live_question_can_keep_the_post_as_a_draft(eclient, make_session):
    make_session(slug="tempete", status="ended")
    data = composer_data(paragraph("Le vent retombe."), title="Brouillon")
    data |= {"after_end": "confirmed", "action": "draft"}
    eclient.post("/editor/tempete/posts/new/", data)
    assert Post.objects.get().status == "draft"


def test_the_ended_live_question_comes_as_the_composer_fragment_for_htmx(eclient, make_session):
    make_session(slug="tempete", status="ended")
    data = composer_data(paragraph("Le vent retombe."))
    response = eclient.post("/editor/tempete/posts/new/", data, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 409
    assert html.lstrip().startswith('<section id="composer"') and "Publier quand même" in html
