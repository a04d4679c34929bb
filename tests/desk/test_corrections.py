"""Time and corrections said right: backdating is not a correction, “Updated” only for
a real change, an editor's correction note shown to readers and kept in the post's public
history, and journalists' displayed time held to the rule the live's editors chose."""

from datetime import timedelta

import pytest
from django.utils import timezone

from liveblog.models import AuditEntry, Post
from tests.helpers import START, composer_data, paragraph

pytestmark = pytest.mark.django_db


@pytest.fixture
def eclient(client, editor):
    client.force_login(editor)
    return client


def edit_url(post) -> str:
    return f"/editor/{post.session.slug}/posts/{post.pk}/edit/"


def same_content(post, **fields) -> dict:
    block = post.blocks.get()
    return composer_data(
        ("paragraph", {"text": block.text, "text_format": "html"}),
        title=post.title,
        rubric=post.rubric.name,
        version=post.version,
        **fields,
    )


def reader_page(client, post) -> str:
    return client.get(f"/live/{post.session.slug}/").content.decode()


def test_setting_the_displayed_time_moves_the_post_without_marking_it_updated(
    eclient, session, make_post
):
    post = make_post(session, title="Départ lancé")
    data = same_content(post, displayed_at="2025-10-21T06:05")
    eclient.post(edit_url(post), data)
    post.refresh_from_db()
    assert post.published_at.isoformat() == "2025-10-21T06:05:00+00:00"
    assert post.edited_at is None and post.version == 2
    assert "Mis à jour" not in reader_page(eclient, post)
    entry = AuditEntry.objects.filter(action="post.edited").latest("id")
    assert entry.detail["content_changed"] is False
    assert entry.detail["displayed_at"]["to"] == "2025-10-21T06:05:00+00:00"
    audit = eclient.get(f"/editor/{session.slug}/audit/").content.decode()
    assert "a changé l\u2019heure affichée de « Départ lancé »" in audit


def test_saving_without_a_change_stamps_nothing(eclient, session, make_post):
    post = make_post(session)
    eclient.post(edit_url(post), same_content(post))
    post.refresh_from_db()
    assert post.edited_at is None


def test_a_real_change_says_updated_with_the_day_when_it_differs(eclient, session, make_post):
    post = make_post(session)
    data = same_content(post) | {"title": "Le peloton a passé le pont"}
    eclient.post(edit_url(post), data)
    post.refresh_from_db()
    assert post.edited_at is not None and post.published_at == START
    assert "Mis à jour le " in reader_page(eclient, post)


def test_an_editor_attaches_a_correction_note_that_readers_see(eclient, session, make_post):
    post = make_post(session, title="Arrivée en 2 h 05")
    data = same_content(post, correction="Le temps de l\u2019arrivée était 2 h 07, pas 2 h 05.")
    data["title"] = "Arrivée en 2 h 07"
    eclient.post(edit_url(post), data)
    post.refresh_from_db()
    assert post.correction == "Le temps de l\u2019arrivée était 2 h 07, pas 2 h 05."
    html = reader_page(eclient, post)
    assert "<strong>Correction :</strong> Le temps de l\u2019arrivée était 2 h 07" in html
    audit = eclient.get(f"/editor/{session.slug}/audit/").content.decode()
    assert "a corrigé « Arrivée en 2 h 07 »" in audit


def test_a_silent_typo_fix_shows_no_correction(eclient, session, make_post):
    post = make_post(session, title="Le pelotn passe")
    data = same_content(post) | {"title": "Le peloton passe"}
    eclient.post(edit_url(post), data)
    html = reader_page(eclient, post)
    assert "Correction :" not in html


def test_journalists_cannot_set_a_correction_note(client, journalist, session, make_post):
    session.journalists.add(journalist)
    client.force_login(journalist)
    post = make_post(session, author=journalist)
    data = composer_data(
        paragraph("Texte corrigé."), title=post.title, version=post.version, correction="Non."
    )
    client.post(edit_url(post), data)
    post.refresh_from_db()
    assert post.correction == "" and post.version == 2
    assert Post.objects.get(pk=post.pk).blocks.get().text == "<p>Texte corrigé.</p>"


def post_page(client, post) -> str:
    return client.get(f"/live/{post.session.slug}/posts/{post.pk}/").content.decode()


def test_a_correction_note_is_kept_in_the_revisions_and_the_posts_public_history(
    eclient, session, make_post
):
    post = make_post(session, title="Arrivée en 2 h 05")
    first = "Le vainqueur a couru en 2 h 07, pas 2 h 05."
    eclient.post(edit_url(post), same_content(post, correction=first))
    post.refresh_from_db()
    data = same_content(post, correction="Le vainqueur est kényan, pas éthiopien.")
    eclient.post(edit_url(post), data | {"title": "Arrivée en 2 h 07"})
    post.refresh_from_db()
    eclient.post(edit_url(post), same_content(post) | {"title": "Arrivée en 2 h 07 !"})

    page = post_page(eclient, post)
    assert "Historique de la publication" in page
    assert "Publiée le 21 octobre 2025 à 6H30" in page
    history = page[page.index("Historique de la publication") :]
    assert history.index(first) < history.index("Le vainqueur est kényan, pas éthiopien.")
    assert history.count("Corrigée le ") == 2  # the silent fix after them is not listed
    revisions = eclient.get(f"/editor/{session.slug}/posts/{post.pk}/revisions/").content.decode()
    assert f"<strong>Correction :</strong> {first}" in revisions
    assert "note de correction" in revisions  # what changed between two versions


def test_a_post_without_a_correction_has_no_public_history(eclient, session, make_post):
    post = make_post(session, title="Le pelotn passe")
    eclient.post(edit_url(post), same_content(post) | {"title": "Le peloton passe"})
    assert "Historique de la publication" not in post_page(eclient, post)


def new_post_url(session) -> str:
    return f"/editor/{session.slug}/posts/new/"


def test_journalists_set_no_displayed_time_unless_editors_allow_it(jclient, assigned):
    assert "Heure affichée" not in jclient.get(f"/editor/{assigned.slug}/").content.decode()
    data = composer_data(paragraph(), title="Ravitaillement", displayed_at="2025-10-21T06:05")
    jclient.post(new_post_url(assigned), data)
    post = Post.objects.get(title="Ravitaillement")
    assert post.published_at.year != 2025  # the field is not offered, so not read


def test_journalists_backdate_within_the_minutes_editors_allow(jclient, assigned):
    assigned.journalist_backdate_minutes = 15
    assigned.save()
    desk = jclient.get(f"/editor/{assigned.slug}/").content.decode()
    assert "au plus 15 minutes en arrière dans ce direct" in desk
    now = timezone.now().replace(second=0, microsecond=0)

    def publish(title, moment):
        data = composer_data(
            paragraph(), title=title, displayed_at=moment.strftime("%Y-%m-%dT%H:%M")
        )
        return jclient.post(new_post_url(assigned), data)

    assert publish("Dix minutes plus tôt", now - timedelta(minutes=10)).status_code in (200, 302)
    assert Post.objects.get(title="Dix minutes plus tôt").published_at == now - timedelta(
        minutes=10
    )

    refused = publish("Une heure plus tôt", now - timedelta(minutes=60))
    assert refused.status_code == 422
    assert "au plus 15 minutes" in refused.content.decode()
    ahead = publish("Dans une heure", now + timedelta(minutes=60))
    assert ahead.status_code == 422
    assert "programmez plutôt la publication" in ahead.content.decode()
    assert not Post.objects.filter(title__in=["Une heure plus tôt", "Dans une heure"]).exists()


def test_a_journalist_editing_a_post_keeps_its_old_time_without_the_rule_refusing(
    jclient, assigned, journalist, make_post
):
    assigned.journalist_backdate_minutes = 5
    assigned.save()
    post = make_post(assigned, author=journalist)  # published at START, long ago
    data = same_content(post, displayed_at=post.published_at.strftime("%Y-%m-%dT%H:%M"))
    data["title"] = "Le peloton a passé le pont"
    assert jclient.post(edit_url(post), data).status_code in (200, 302)
    post.refresh_from_db()
    assert post.title == "Le peloton a passé le pont" and post.published_at == START


def test_editors_choose_the_rule_on_the_people_page_and_it_is_audited(eclient, session, journalist):
    page = eclient.get(f"/editor/{session.slug}/people/").content.decode()
    assert "Les journalistes peuvent reculer l\u2019heure affichée" in page
    data = {"journalists": [journalist.pk], "backdate_minutes": "15"}
    eclient.post(f"/editor/{session.slug}/people/", data)
    session.refresh_from_db()
    assert session.journalist_backdate_minutes == 15
    refused = eclient.post(f"/editor/{session.slug}/people/", data | {"backdate_minutes": "5000"})
    assert refused.status_code == 422
    session.refresh_from_db()
    assert session.journalist_backdate_minutes == 15
    audit = eclient.get(f"/editor/{session.slug}/audit/").content.decode()
    assert "de reculer l\u2019heure affichée d\u2019au plus 15 minutes" in audit
