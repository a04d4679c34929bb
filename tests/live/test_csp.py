"""Content-Security-Policy: nothing inline runs or styles any page.

The policy (`SECURE_CSP`) allows scripts and styles from our own origin only,
so an inline `<script>`, an `on…=` handler, a `style=` attribute or a `<style>`
element would be blocked in the reader's browser (and would be the foothold an
injected post needs). This test reads every template we ship and names any
that has one; tests/browser/test_csp.py visits every page in Chromium.
"""

from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings
from django.utils.csp import CSP

ROOT = Path(__file__).resolve().parents[2]
# Data blocks (schema.org JSON-LD) are never executed, so the policy lets them be.
DATA_SCRIPT_TYPES = {"application/ld+json"}
DJANGO_TAGS = ("{%", "{{", "{#")


class InlineCode(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = {name.lower(): value for name, value in attrs}
        line = self.getpos()[0]
        data_block = (names.get("type") or "").strip() in DATA_SCRIPT_TYPES
        if tag == "script" and "src" not in names and not data_block:
            self.found.append(f"line {line}: <script> without src")
        if tag == "style":
            self.found.append(f"line {line}: <style> element")
        for name in names:
            if name.startswith(DJANGO_TAGS):
                continue
            if name == "style":
                self.found.append(f"line {line}: style= attribute on <{tag}>")
            elif name.startswith("on"):
                self.found.append(f"line {line}: {name}= handler on <{tag}>")

    handle_startendtag = handle_starttag


def our_templates() -> list[Path]:
    folders = [Path(folder) for engine in settings.TEMPLATES for folder in engine["DIRS"]]
    folders += [path for path in (ROOT / "liveblog").glob("**/templates") if path.is_dir()]
    return sorted(path for folder in folders for path in folder.glob("**/*.html"))


def inline_code(template: Path) -> list[str]:
    parser = InlineCode()
    parser.feed(template.read_text())
    parser.close()
    return parser.found


def test_the_templates_are_all_read():
    names = {path.name for path in our_templates()}
    assert {"base.html", "live.html", "desk.html", "login.html", "404.html"} <= names


def test_no_template_has_inline_script_or_style():
    found = {
        str(path.relative_to(ROOT)): problems
        for path in our_templates()
        if (problems := inline_code(path))
    }
    assert found == {}


def test_the_scan_finds_each_kind_of_inline_code(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        '<script type="application/ld+json">{}</script>\n'
        '<script src="/static/live.js"></script>\n'
        "<script>alert(1)</script>\n"
        "<style>p { color: red }</style>\n"
        '<p style="color: red">rouge</p>\n'
        '<img src="x.png" alt="" onerror="alert(1)">\n'
        '<a href="/" {% if current %}aria-current="page"{% endif %}>Accueil</a>\n'
    )
    assert inline_code(page) == [
        "line 3: <script> without src",
        "line 4: <style> element",
        "line 5: style= attribute on <p>",
        "line 6: onerror= handler on <img>",
    ]


def test_the_policy_allows_no_inline_code_and_no_framing():
    policy = settings.SECURE_CSP
    for directive in ("script-src", "style-src", "default-src"):
        assert policy[directive] == [CSP.SELF], directive
        assert CSP.UNSAFE_INLINE not in policy[directive]
    assert policy["frame-ancestors"] == [CSP.NONE]
    assert policy["base-uri"] == [CSP.SELF]
    # The one site a page may frame: YouTube's privacy-enhanced player, after a reader's click.
    assert policy["frame-src"] == [CSP.SELF, "https://www.youtube-nocookie.com"]
    assert "img-src" in policy and policy["img-src"] == [CSP.SELF, "data:"]


def test_every_page_is_served_with_the_policy(client, session, make_post):
    post = make_post(session, title="Départ du marathon")
    for url in ("/", session_url := f"/live/{session.slug}/", f"{session_url}posts/{post.pk}/"):
        response = client.get(url)
        header = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in header and "frame-ancestors 'none'" in header, url
    missing = client.get("/live/pas-de-direct/")
    assert missing.status_code == 404
    assert "script-src 'self'" in missing.headers["Content-Security-Policy"]
    refused = client.get("/", headers={"host": "intrus.example"})
    assert refused.status_code == 400, "a Host we do not serve"
    assert "script-src 'self'" in refused.headers["Content-Security-Policy"]
