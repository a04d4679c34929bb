"""The journalist's desk: write, publish, correct, without JavaScript and with htmx."""

from pathlib import Path

import pytest

from liveblog.desk.session import HeaderForm
from liveblog.models import Event, Photo, PhotoCredit, Post, Rubric
from tests.helpers import composer_data, jpeg, paragraph

pytestmark = pytest.mark.django_db


@pytest.fixture
def eclient(client, editor):
    client.force_login(editor)
    return client


def new_post_url(session) -> str:
    return f"/editor/{session.slug}/posts/new/"


def test_login_page_lets_a_journalist_in_and_sends_them_to_their_sessions(
    client, journalist, assigned
):
    page = client.get("/editor/login/")
    assert "Connexion au desk" in page.content.decode()
    response = client.post(
        "/editor/login/", {"username": "jeanne", "password": "pw-jeanne-2026"}, follow=True
    )
    html = response.content.decode()
    assert "Mes directs" in html
    assert "Marathon des Deux-Rives en direct" in html


def test_wrong_password_is_refused_in_french_and_keeps_the_username(client, journalist):
    response = client.post("/editor/login/", {"username": "jeanne", "password": "nope"})
    html = response.content.decode()
    assert "Saisissez un nom d\u2019utilisateur et un mot de passe valides" in html
    assert 'value="jeanne"' in html


def test_desk_shows_the_composer_and_the_timeline_as_readers_see_it(jclient, assigned, make_post):
    make_post(assigned, title="Départ donné")
    html = jclient.get(f"/editor/{assigned.slug}/").content.decode()
    assert "Nouvelle publication" in html
    assert 'data-desk data-session="marathon"' in html
    assert f'data-seq="{assigned.last_seq}"' in html
    assert "liveblog/live.js" in html
    assert '<article id="post-' in html
    assert "Départ donné" in html


def test_the_desk_shows_no_template_comment_to_the_journalist(jclient, assigned):
    """Django's {# #} holds one line only: written over several, it is printed as text."""
    html = jclient.get(f"/editor/{assigned.slug}/").content.decode()
    assert "{#" not in html and "#}" not in html


def test_no_template_opens_a_one_line_comment_it_closes_on_another_line():
    root = Path(__file__).resolve().parents[2]
    spread = [
        f"{template.relative_to(root)}:{number}"
        for template in (root / "templates").rglob("*")
        if template.is_file()
        for number, line in enumerate(template.read_text().splitlines(), start=1)
        if "{#" in line and "#}" not in line.split("{#", 1)[1]
    ]
    assert spread == [], "use {% comment %} for a comment over several lines"


def test_publishing_without_javascript_puts_the_post_in_front_of_readers(jclient, assigned):
    Rubric.named("course")
    data = composer_data(
        paragraph("Le peloton atteint le <strong>10e kilomètre</strong>."),
        ("quote", {"text": "Je me sens bien.", "attribution": "La favorite"}),
        (
            "link",
            {"link_kind": "article", "link_title": "Le parcours", "url": "https://example.org/p"},
        ),
        rubric="Course",
        title="Au 10e kilomètre",
    )
    response = jclient.post(new_post_url(assigned), data)
    assert response.status_code == 302
    post = Post.objects.get(title="Au 10e kilomètre")
    assert post.is_published and post.rubric.name == "course"
    assert [block.kind for block in post.blocks.all()] == ["paragraph", "quote", "link"]
    reader = jclient.get(f"/live/{assigned.slug}/").content.decode()
    assert "<strong>10e kilomètre</strong>" in reader
    assert "La favorite" in reader
    assert Event.objects.filter(post=post, kind="post.published").count() == 1
    desk = jclient.get(response.url).content.decode()
    assert "Publication publiée." in desk


def test_htmx_publish_returns_a_fresh_composer_and_the_new_post_line(jclient, assigned):
    response = jclient.post(
        new_post_url(assigned),
        composer_data(paragraph(), title="Ravitaillement"),
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'id="composer"' in html
    assert '<ol hx-swap-oob="afterbegin:#timeline-listed">' in html
    assert "Ravitaillement" in html


def test_saving_as_draft_keeps_the_post_from_readers(jclient, assigned):
    jclient.post(
        new_post_url(assigned), composer_data(paragraph(), action="draft", title="Brouillon")
    )
    post = Post.objects.get(title="Brouillon")
    assert post.status == "draft"
    assert "Brouillon" not in jclient.get(f"/live/{assigned.slug}/").content.decode()
    assert "Pas encore publié" in jclient.get(f"/editor/{assigned.slug}/").content.decode()


def test_errors_show_next_to_the_field_in_french_and_keep_everything_typed(jclient, assigned):
    data = composer_data(
        paragraph("Texte que je ne veux pas perdre."),
        ("link", {"link_kind": "video", "link_title": "", "url": "pas une adresse"}),
        title="Titre gardé",
    )
    response = jclient.post(new_post_url(assigned), data)
    html = response.content.decode()
    assert response.status_code == 422
    assert "Saisissez une URL valide." in html
    assert "Donnez le titre que verront les lecteurs." in html
    assert "Texte que je ne veux pas perdre." in html
    assert 'value="Titre gardé"' in html
    assert not Post.objects.exists()


def test_errors_come_in_english_for_an_english_desk(jclient, assigned):
    data = composer_data(("quote", {"text": "", "attribution": "Quelqu'un"}))
    html = jclient.post(new_post_url(assigned) + "?lang=en", data).content.decode()
    assert "Write the text, or remove this block." in html
    assert "Quelqu&#x27;un" in html


def test_an_empty_composer_asks_for_a_block(jclient, assigned):
    html = jclient.post(new_post_url(assigned), composer_data(paragraph(""))).content.decode()
    assert "Écrivez au moins un bloc" in html


def test_blocks_are_added_moved_and_removed_with_plain_form_posts(jclient, assigned):
    data = composer_data(paragraph("Premier"), ("quote", {"text": "Second"}), change="add-link")
    html = jclient.post(new_post_url(assigned), data).content.decode()
    assert "Bloc 3</span> · Lien associé" in html
    data = composer_data(paragraph("Premier"), ("quote", {"text": "Second"}), change="up-1")
    html = jclient.post(new_post_url(assigned), data).content.decode()
    assert html.index("Second") < html.index("Premier")
    data = composer_data(paragraph("Premier"), ("quote", {"text": "Second"}), change="remove-0")
    html = jclient.post(new_post_url(assigned), data).content.decode()
    assert "Premier" not in html and "Second" in html
    assert not Post.objects.exists()


def test_photo_upload_with_caption_alt_text_and_a_new_credit(jclient, assigned):
    data = composer_data(
        (
            "photo",
            {
                "image": jpeg(),
                "caption": "L'arrivée sous la pluie.",
                "alt_text": "Une coureuse franchit la ligne.",
                "credit": "Nordlicht Photo/Ana Ruiz",
            },
        ),
        title="Arrivée",
    )
    jclient.post(new_post_url(assigned), data)
    photo = Photo.objects.get()
    assert photo.caption == "L'arrivée sous la pluie."
    assert photo.alt_text == "Une coureuse franchit la ligne."
    assert (photo.credit.agency, photo.credit.photographer) == ("Nordlicht", "Ana Ruiz")
    reader = jclient.get(f"/live/{assigned.slug}/").content.decode()
    assert "© Nordlicht Photo/Ana Ruiz" in reader
    assert 'alt="Une coureuse franchit la ligne."' in reader


def test_photo_credit_picked_from_the_list_reuses_the_existing_credit(jclient, assigned):
    existing = PhotoCredit.objects.create(agency="Clairvue", photographer="Léa Moreau")
    data = composer_data(
        ("photo", {"image": jpeg(), "alt_text": "Le départ.", "credit": existing.label})
    )
    jclient.post(new_post_url(assigned), data)
    assert Photo.objects.get().credit == existing
    assert PhotoCredit.objects.count() == 1


def test_an_uploaded_photo_survives_an_error_elsewhere_in_the_composer(jclient, assigned):
    data = composer_data(
        ("photo", {"image": jpeg(), "alt_text": "", "caption": "Au départ", "credit": "Ana Ruiz"}),
        title="x" * 201,
    )
    html = jclient.post(new_post_url(assigned), data).content.decode()
    photo = Photo.objects.get()
    assert f'name="blocks-0-photo" value="{photo.pk}"' in html
    assert "Décrivez l\u2019image pour les lecteurs qui ne la voient pas." in html
    retry = composer_data(
        (
            "photo",
            {
                "photo": photo.pk,
                "alt_text": "Des coureurs.",
                "caption": "Au départ",
                "credit": "Ana Ruiz",
            },
        ),
        title="Départ",
    )
    jclient.post(new_post_url(assigned), retry)
    assert Post.objects.get().blocks.get().photo == photo


def test_journalists_pick_rubrics_but_only_editors_create_them(jclient, assigned, editor):
    html = jclient.post(
        new_post_url(assigned), composer_data(paragraph(), rubric="Nouvelle rubrique")
    ).content.decode()
    assert "Seuls les éditeurs créent des rubriques" in html
    jclient.force_login(editor)
    jclient.post(new_post_url(assigned), composer_data(paragraph(), rubric="Nouvelle rubrique"))
    assert Rubric.objects.filter(name="Nouvelle rubrique").exists()


def test_editors_set_the_displayed_time_to_backdate_a_post(eclient, session):
    data = composer_data(paragraph(), title="Rétroactif", displayed_at="2025-10-21T07:05")
    eclient.post(new_post_url(session), data)
    post = Post.objects.get(title="Rétroactif")
    assert post.published_at.isoformat() == "2025-10-21T07:05:00+00:00"


def test_a_journalist_cannot_backdate(jclient, assigned):
    data = composer_data(paragraph(), title="Pas rétroactif", displayed_at="2025-10-21T07:05")
    jclient.post(new_post_url(assigned), data)
    assert Post.objects.get().published_at.year >= 2026


def test_editing_a_published_post_shows_updated_at_to_readers(jclient, assigned, make_post):
    post = make_post(assigned, title="Premier passage")
    edit = f"/editor/{assigned.slug}/posts/{post.pk}/edit/"
    html = jclient.get(edit).content.decode()
    assert 'value="Premier passage"' in html
    assert "Mettre à jour la publication" in html
    data = composer_data(
        paragraph("Corrigé."), title="Premier passage (corrigé)", version=post.version
    )
    response = jclient.post(edit, data)
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.version == 2 and post.title == "Premier passage (corrigé)"
    reader = jclient.get(f"/live/{assigned.slug}/").content.decode()
    # Published on the day of the race, corrected today: the stamp says which day.
    assert "Mis à jour le" in reader
    assert "Corrigé." in reader


def test_delete_asks_for_confirmation_and_an_editor_can_undo_it(
    jclient, assigned, make_post, editor, client
):
    post = make_post(assigned, title="À retirer")
    url = f"/editor/{assigned.slug}/posts/{post.pk}/delete/"
    assert "Supprimer cette publication ?" in jclient.get(url).content.decode()
    post.refresh_from_db()
    assert post.is_published
    jclient.post(url)
    post.refresh_from_db()
    assert post.status == "deleted"
    assert "À retirer" not in jclient.get(f"/live/{assigned.slug}/").content.decode()
    client.force_login(editor)
    desk = client.get(f"/editor/{assigned.slug}/?show=deleted").content.decode()
    assert "Annuler la suppression" in desk
    client.post(f"/editor/{assigned.slug}/posts/{post.pk}/undelete/")
    post.refresh_from_db()
    assert post.is_published


def test_pin_and_key_event_toggle_in_place(jclient, assigned, make_post):
    post = make_post(assigned)
    url = f"/editor/{assigned.slug}/posts/{post.pk}/pin/"
    response = jclient.post(url, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith(
        f'<div class="desk-post desk-post--published" id="desk-post-{post.pk}">'
    )
    assert ">Désépingler</button>" in html and ">Marquer comme essentiel</button>" in html
    post.refresh_from_db()
    assert post.pinned
    jclient.post(f"/editor/{assigned.slug}/posts/{post.pk}/key-event/")
    post.refresh_from_db()
    assert post.key_event
    jclient.post(url)
    post.refresh_from_db()
    assert not post.pinned


def test_the_timeline_fragment_is_what_htmx_gets(jclient, assigned, make_post):
    make_post(assigned, title="Dans le fragment")
    html = jclient.get(f"/editor/{assigned.slug}/", HTTP_HX_REQUEST="true").content.decode()
    assert html.lstrip().startswith('<div id="timeline"')
    assert "Dans le fragment" in html
    assert "<html" not in html


def test_the_desk_shows_who_else_is_editing_the_session(client, assigned, journalist, editor):
    client.force_login(editor)
    client.post(f"/editor/{assigned.slug}/presence/")
    client.force_login(journalist)
    html = client.post(f"/editor/{assigned.slug}/presence/").content.decode()
    assert "Aussi sur ce desk :" in html
    assert "Hugo Lefèvre" in html
    assert "Jeanne Martin" not in html


def test_editors_rewrite_the_header_start_and_end_the_live(eclient, make_session, make_photo):
    session = make_session(status="scheduled")
    lead = make_photo()
    eclient.post(f"/editor/{session.slug}/start/")
    session.refresh_from_db()
    assert session.is_live
    response = eclient.post(
        f"/editor/{session.slug}/header/",
        {
            "headline": "Marathon : l'arrivée",
            "standfirst": "Les premiers arrivent.",
            "lead_photo": lead.pk,
            "credits": "Rédaction",
        },
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.headline == "Marathon : l'arrivée" and session.lead_photo == lead
    assert Event.objects.filter(session=session, kind="session.updated").count() == 2
    eclient.post(f"/editor/{session.slug}/end/")
    session.refresh_from_db()
    assert session.status == "ended"


def test_rewriting_the_headline_keeps_a_lead_photo_older_than_the_latest_sixty(
    eclient, make_session, make_photo
):
    lead = make_photo(caption="La ligne de départ au lever du jour.")
    session = make_session(lead_photo=lead)
    for number in range(HeaderForm.RECENT_PHOTOS):
        make_photo(caption=f"Ravitaillement n° {number}.")
    page = eclient.get(f"/editor/{session.slug}/header/").content.decode()
    assert f'<option value="{lead.pk}" selected>' in page
    response = eclient.post(
        f"/editor/{session.slug}/header/",
        {
            "headline": "Marathon : la mi-course",
            "standfirst": session.standfirst,
            "lead_photo": lead.pk,
            "credits": session.credits,
        },
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.headline == "Marathon : la mi-course"
    assert session.lead_photo == lead


def test_an_empty_headline_is_refused_and_the_rest_is_kept(eclient, session):
    response = eclient.post(
        f"/editor/{session.slug}/header/", {"headline": "", "standfirst": "Gardé."}
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "Ce champ est obligatoire." in html
    assert "Gardé." in html


def test_the_desk_login_locks_an_account_out_after_repeated_failures(client, journalist, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post("/editor/login/", {"username": "jeanne", "password": "wrong"})
    response = client.post("/editor/login/", {"username": "jeanne", "password": "pw-jeanne-2026"})
    assert "Trop de tentatives de connexion." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_edit_page_shows_who_else_is_on_the_session(
    client, assigned, journalist, editor, make_post
):
    post = make_post(assigned, author=journalist)
    client.force_login(editor)
    client.post(f"/editor/{assigned.slug}/presence/")
    client.force_login(journalist)
    html = client.get(f"/editor/{assigned.slug}/posts/{post.pk}/edit/").content.decode()
    assert "Aussi sur ce desk : Hugo Lefèvre" in html


def test_embeds_take_the_known_providers_and_send_other_sites_to_a_related_link(jclient, assigned):
    data = composer_data(("embed", {"url": "https://example.org/article"}))
    html = jclient.post(new_post_url(assigned), data).content.decode()
    assert "pour un autre site, ajoutez un lien associé" in html
    data = composer_data(("embed", {"url": "https://www.youtube.com/watch?v=abc123"}))
    assert jclient.post(new_post_url(assigned), data).status_code == 302
    reader = jclient.get(f"/live/{assigned.slug}/").content.decode()
    assert "YouTube" in reader


def test_the_desk_timeline_holds_the_latest_posts_and_pages_to_older_ones(
    jclient, assigned, make_post, settings
):
    import re

    from liveblog.desk.views import DESK_TIMELINE_SIZE

    for minute in range(DESK_TIMELINE_SIZE + 1):
        make_post(assigned, title=f"Point {minute}", minutes=minute)
    # The timeline, not the audience panel above it (which names the latest posts).
    html = jclient.get(f"/editor/{assigned.slug}/").content.decode().split('id="timeline"')[1]
    assert f"Point {DESK_TIMELINE_SIZE}<" in html
    assert "Point 0<" not in html
    older = re.search(r'<a href="([^"]+)"[^>]*>Publications précédentes</a>', html)
    assert older, "an “older” link after the latest posts"
    html = jclient.get(older.group(1).replace("&amp;", "&")).content.decode()
    html = html.split('id="timeline"')[1]
    assert "Point 0<" in html and f"Point {DESK_TIMELINE_SIZE}<" not in html


def test_pinning_redraws_only_its_post_in_a_few_queries_however_long_the_live(
    jclient, assigned, make_post
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    post = make_post(assigned, title="Le départ")
    url = f"/editor/{assigned.slug}/posts/{post.pk}/pin/"

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = jclient.post(url, HTTP_HX_REQUEST="true")
        assert response.status_code == 200 and "Le départ" in response.content.decode()
        return len(captured)

    alone = queries()
    for minute in range(1, 31):
        make_post(assigned, title=f"Kilomètre {minute}", minutes=minute)
    assert queries() == alone
    # Login and permissions (7), the change with its event and audit entry (10; one of them
    # erases the post's earlier events' words, liveblog.domain.events.supersede_earlier),
    # this post (2).
    assert alone <= 19
