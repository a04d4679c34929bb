from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


def test_french_catalog_translates_every_string():
    import re

    po = (ROOT / "locale/fr/LC_MESSAGES/django.po").read_text()
    entries = po.split("\n\n")[1:]
    untranslated = []
    for entry in entries:
        if "#, fuzzy" in entry:
            untranslated.append(entry)
            continue
        msgstrs = re.findall(r'^msgstr(?:\[\d\])? "(.*)"(?:\n"(.*)")*', entry, re.M)
        if msgstrs and not any(any(part) for part in msgstrs):
            untranslated.append(entry)
    assert not untranslated, "untranslated French entries:\n" + "\n\n".join(untranslated)


def test_english_live_session_renders_in_english(client, make_session, make_post):
    session = make_session(slug="storm", language="en", headline="Storm Aline")
    make_post(
        session,
        minutes=68,
        title="Ferries cancelled",
        blocks=[
            (
                "link",
                {
                    "url": "https://example.org/",
                    "link_kind": "article",
                    "link_title": "All cancellations",
                },
            )
        ],
    )
    html = client.get("/live/storm/").content.decode()
    assert '<html lang="en">' in html
    assert "Live started on 21 October 2025 at 06:30 UTC" in html
    assert "Times are shown in Coordinated Universal Time (UTC)." in html
    assert ">07:38</time>" in html
    assert "1 post" in html
    assert "Read" in html
    assert "Who is running" not in html  # no credits set


def test_french_session_stays_french_for_an_english_browser(client, session):
    html = client.get(f"/live/{session.slug}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="fr">' in html
    assert "Direct démarré le" in html


def test_home_follows_the_browser_then_the_url(client):
    assert "Aucun direct en ce moment." in client.get("/").content.decode()
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").content.decode()
    assert "No live coverage right now." in english
    from_url = client.get("/?lang=fr", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Aucun direct en ce moment." in from_url
    assert "No live coverage right now." in client.get("/?lang=en").content.decode()


def test_error_pages_follow_the_language(client):
    assert "Page not found" in client.get("/live/none/?lang=en").content.decode()
    assert "Page introuvable" in client.get("/live/none/").content.decode()
