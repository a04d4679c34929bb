"""Our JavaScript in one dialect: ES modules, handed their URLs and words by the page."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = sorted((ROOT / "static/liveblog").glob("*.js"))
# A partner page pastes embed.js on another origin: a classic script, on purpose.
PARTNER_SCRIPT = "embed.js"

pytestmark = pytest.mark.django_db


def test_every_script_of_ours_loads_as_a_module():
    tags = [
        (template.name, tag)
        for template in (ROOT / "templates").rglob("*.html")
        for tag in re.findall(r"<script[^>]*liveblog/[^>]*>", template.read_text())
    ]
    assert tags, "the templates load our scripts"
    classic = [(name, tag) for name, tag in tags if 'type="module"' not in tag]
    assert classic == []


def test_no_script_writes_an_address_of_ours_or_fakes_an_htmx_request():
    for script in SCRIPTS:
        source = script.read_text()
        assert not re.search(r"[\"'`]/(live|ws|editor|api)/", source), script.name
        assert "HX-Request" not in source, script.name
        if script.name != PARTNER_SCRIPT:
            assert not re.search(r"^\s*var ", source, re.M), f"{script.name}: let or const"
            assert '"use strict"' not in source, f"{script.name}: a module is strict already"
            assert not re.search(r"^\((function \(\)|\(\) =>)", source, re.M), (
                f"{script.name}: a module needs no wrapping function"
            )


def test_the_live_page_hands_live_js_its_socket_and_catch_up_addresses(client, session):
    html = client.get(f"/live/{session.slug}/").content.decode()
    main = re.search(r"<main [^>]*>", html)[0]
    assert 'data-socket="/ws/live/marathon/"' in main
    assert 'data-events-url="/live/marathon/events"' in main
    embed = client.get(f"/live/{session.slug}/embed/").content.decode()
    assert 'data-socket="/ws/live/marathon/"' in re.search(r"<main [^>]*>", embed)[0]


@pytest.mark.parametrize(
    ("language", "copied", "prompt"),
    [("fr", "Lien copié.", "Copiez :"), ("en", "Link copied.", "Copy:")],
)
def test_share_js_takes_its_words_from_the_page_in_the_live_language(
    client, make_session, language, copied, prompt
):
    session = make_session(language=language)
    html = client.get(f"/live/{session.slug}/").content.decode()
    status = re.search(r'<p id="share-status"[^>]*>', html)[0]
    assert 'role="status"' in status
    assert f'data-link-copied="{copied}"' in status
    assert f'data-copy-prompt="{prompt}"' in status
