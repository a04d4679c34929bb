"""Every page under the Content-Security-Policy in Chromium: nothing the page needs is blocked.

An init script listens for `securitypolicyviolation` in every document before any
of the page's own code runs; Chromium also logs each refusal on the console. A
page that relied on an inline script, style or handler would show one of them.
"""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, RequestFactory
from django.views.defaults import server_error
from playwright.sync_api import expect

from liveblog.domain.posts import set_pinned

pytestmark = pytest.mark.django_db(transaction=True)

COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} ` +
    `(${event.sourceFile}:${event.lineNumber})`
  );
});
"""


class PolicyWatch:
    """What the policy refused on one page: violation events and console messages."""

    def __init__(self, page):
        self.page = page
        self.console: list[str] = []
        page.add_init_script(COLLECT_VIOLATIONS)
        page.on("console", self._console)

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.console.append(message.text)

    def visit(self, url: str, ready: str | None = None) -> None:
        response = self.page.goto(url, wait_until="load")
        assert "script-src 'self'" in response.headers["content-security-policy"], url
        if ready:
            expect(self.page.get_by_role("heading", name=ready).first).to_be_visible()
        self.assert_clean(url)

    def assert_clean(self, where: str) -> None:
        # Let deferred scripts and the live socket run before reading what they did.
        self.page.wait_for_load_state("networkidle")
        violations = [
            violation
            for frame in self.page.frames
            for violation in frame.evaluate("window.__cspViolations || []")
        ]
        assert violations == [], f"{where}: {violations}"
        assert self.console == [], f"{where}: {self.console}"


@pytest.fixture
def watch(page):
    return PolicyWatch(page)


@pytest.fixture
def content(settings, session, editor, make_post, post_with_every_block):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    editor.set_password("pw-hugo-2026")
    editor.save()
    post = post_with_every_block
    set_pinned(post=post, pinned=True, by=editor)
    make_post(session, title="Le peloton passe le pont", minutes=5)
    return session, post


def log_in(watch, server, username, password) -> None:
    page = watch.page
    watch.visit(f"{server.url}/editor/login/", ready="Connexion au desk")
    page.get_by_label("Nom d\u2019utilisateur").fill(username)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Mes directs")).to_be_visible()
    watch.assert_clean("after logging in")


def test_reader_pages_run_under_the_policy_without_a_violation(server, watch, content):
    session, post = content
    live = f"{server.url}/live/{session.slug}/"
    watch.visit(f"{server.url}/", ready="Directs")
    watch.visit(live, ready=session.headline)
    watch.visit(f"{live}posts/{post.pk}/", ready=post.title)
    watch.visit(f"{live}embed/")
    watch.visit(f"{live}?before=9999999999999999-1")


def test_desk_pages_run_under_the_policy_without_a_violation(server, watch, content):
    session, post = content
    page = watch.page
    log_in(watch, server, "hugo", "pw-hugo-2026")
    desk = f"{server.url}/editor/{session.slug}/"
    watch.visit(desk, ready="Nouvelle publication")
    # The composer swaps blocks in with htmx: what it swaps in must obey the policy too.
    page.get_by_role("button", name="Citation").click()
    expect(page.get_by_role("group", name="Bloc 2 · Citation")).to_be_visible()
    page.get_by_label("Titre", exact=True).fill("Le vainqueur au micro")
    watch.assert_clean("the composer")
    watch.visit(f"{desk}posts/{post.pk}/edit/")
    expect(page.get_by_label("Titre", exact=True)).to_have_value(post.title)
    watch.visit(f"{desk}posts/{post.pk}/revisions/")
    watch.visit(f"{desk}posts/{post.pk}/delete/")
    watch.visit(f"{desk}header/")
    watch.visit(f"{server.url}/editor/photos/")
    watch.visit(f"{server.url}/editor/photos/?q=coureurs")


def test_admin_pages_run_under_the_policy_without_a_violation(server, watch, content):
    session, post = content
    get_user_model().objects.create_superuser("chef", "chef@example.org", "pw-chef-2026")
    page = watch.page
    watch.visit(f"{server.url}/admin/login/")
    page.get_by_label("Nom d\u2019utilisateur").fill("chef")
    page.get_by_label("Mot de passe").fill("pw-chef-2026")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Site d\u2019administration")).to_be_visible()
    watch.assert_clean("the admin index")
    for path in (
        "liveblog/livesession/",
        f"liveblog/livesession/{session.pk}/change/",
        "liveblog/livesession/add/",
        "liveblog/post/",
        f"liveblog/post/{post.pk}/change/",
        "liveblog/photo/",
        "auth/user/",
    ):
        watch.visit(f"{server.url}/admin/{path}")


@pytest.mark.parametrize("status", [400, 404, 500])
def test_error_pages_run_under_the_policy_without_a_violation(server, watch, settings, status):
    """The server under test runs in debug mode, which shows Django's own error pages;
    readers get ours. So Django renders ours here, headers and all, and Chromium
    loads that answer at the server's address (its styles and scripts from the server)."""
    settings.DEBUG = False
    if status == 500:
        reference = Client().get("/pas-de-page/")
        response = server_error(RequestFactory().get("/"))
        response.headers["Content-Security-Policy"] = reference.headers["Content-Security-Policy"]
    elif status == 404:
        response = Client().get("/live/pas-de-direct/")
    else:
        response = Client().get("/", headers={"host": "intrus.example"})
    assert response.status_code == status
    url = f"{server.url}/erreur-{status}/"
    watch.page.route(
        url,
        lambda route: route.fulfill(
            status=status,
            headers=dict(response.headers),
            body=response.content,
        ),
    )
    watch.visit(url)
    expect(watch.page.locator("body")).not_to_be_empty()


def test_the_watch_sees_what_the_policy_blocks(server, watch, session):
    """The check above can fail: an injected handler and style are refused, and reported."""
    watch.visit(f"{server.url}/live/{session.slug}/")
    watch.page.evaluate(
        """document.body.insertAdjacentHTML("beforeend",
             '<img src="/static/none.png" alt="" onerror="document.title = 42">' +
             '<p style="color: red">injecté</p>')"""
    )
    with pytest.raises(AssertionError, match=r"script-src-attr|style-src-attr"):
        watch.assert_clean("a page with injected code")
    assert watch.page.title() != "42", "the handler never ran"
