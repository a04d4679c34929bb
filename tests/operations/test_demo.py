import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from liveblog.models import Block, Branding, Event, LiveSession, Photo, PhotoCredit, Post, Rubric

pytestmark = pytest.mark.django_db


def snapshot():
    return {
        model.__name__: sorted(model.objects.values_list("pk", flat=True))
        for model in (LiveSession, Post, Block, Rubric, Photo, PhotoCredit, Event, get_user_model())
    }


def test_demo_command_run_twice_changes_nothing(capsys):
    call_command("demo")
    first = snapshot()
    out = capsys.readouterr().out
    assert "journaliste / demo-direct-2026" in out
    call_command("demo")
    assert snapshot() == first
    assert "nothing changed" in capsys.readouterr().out


def test_demo_shows_a_fictional_newsroom_with_camera_sized_photos():
    call_command("demo")
    branding = Branding.objects.get()
    assert branding.name == "La Gazette des Deux-Rives"
    assert branding.logo and branding.logo_height == 80
    photos = Photo.objects.all()
    assert {photo.width for photo in photos} == {2000}
    # Real photos weigh hundreds of kilobytes; renditions are ready for the pages.
    assert all(photo.image.size > 150_000 for photo in photos)
    assert all(photo.renditions.exists() for photo in photos)


def test_demo_content_uses_every_block_status_and_feature():
    call_command("demo")
    marathon = LiveSession.objects.get(slug="marathon-des-deux-rives")
    assert marathon.status == "live"
    assert marathon.lead_photo.credit is not None
    assert marathon.posts.filter(status="published").count() >= 20
    assert set(Block.objects.filter(post__session=marathon).values_list("kind", flat=True)) == {
        "paragraph",
        "photo",
        "quote",
        "embed",
        "link",
    }
    assert set(marathon.posts.values_list("status", flat=True)) == {
        "draft",
        "submitted",
        "scheduled",
        "published",
        "deleted",
    }
    assert marathon.posts.filter(pinned=True).exists()
    assert marathon.posts.filter(key_event=True).exists()
    assert marathon.posts.filter(edited_at__isnull=False).exists()
    assert LiveSession.objects.get(slug="soiree-electorale-valbonne").status == "ended"
    assert LiveSession.objects.filter(language="en").exists()
    # Rubrics typed with different case or accents landed on one record each.
    assert Rubric.objects.filter(name__iexact="circulation").count() == 1
    labels = {credit.label for credit in PhotoCredit.objects.all()}
    assert "© Clairvue Photo/Léa Moreau" in labels
    assert "© Comité d'organisation via Clairvue" in labels
    # The event log matches what readers see: one gap-free run of numbers.
    seqs = list(marathon.events.values_list("seq", flat=True))
    assert seqs == list(range(1, marathon.last_seq + 1))


def test_demo_accounts_can_log_in_with_their_roles(client):
    call_command("demo")
    for username in ("journaliste", "editeur", "correspondant", "admin"):
        # Through the login page, as a person (the lockout counts per name and address).
        answer = client.post(
            "/editor/login/", {"username": username, "password": "demo-direct-2026"}
        )
        assert answer.status_code == 302, username
        client.logout()
    assert (
        get_user_model()
        .objects.get(username="journaliste")
        .groups.filter(name="journalists")
        .exists()
    )
    assert get_user_model().objects.get(username="admin").is_superuser
    correspondent = get_user_model().objects.get(username="correspondant")
    assert correspondent.groups.filter(name="contributors").exists()
    marathon = LiveSession.objects.get(slug="marathon-des-deux-rives")
    waiting = marathon.posts.submitted().get()
    assert (waiting.author, waiting.title) == (correspondent, "Au ravitaillement du 30e kilomètre")


def test_demo_pages_render(client):
    call_command("demo")
    assert "Marathon des Deux-Rives" in client.get("/").content.decode()
    for session in LiveSession.objects.all():
        assert client.get(session.get_absolute_url()).status_code == 200
