"""The journalist of the benchmark, and the content it reads: Django in the bench process,
with the servers' settings (bench.servers.bench_environment).

The benchmark publishes through the desk over HTTP (`DeskPublisher`), timed from the
request's start to its response. `Publisher` publishes with the ORM in this process
(`publish_post()`): it writes the content of the other scenarios' sessions and serves
where a server cannot take the desk's requests (the reconnect storm publishes while
the server is down).
"""

import os
import subprocess
import sys
import time
from datetime import timedelta

from bench.servers import ROOT, bench_environment

PARAGRAPHS = (
    "<p>Au kilomètre 12, le groupe de tête se scinde : six coureuses accélèrent dans la "
    "montée du pont, le reste du peloton laisse filer. L'écart atteint déjà <b>40 secondes</b> "
    "au ravitaillement du quai.</p>",
    "<p>Les organisateurs annoncent 18 °C sur le parcours et un vent de face sur la rive "
    "gauche. Les secours signalent deux abandons, sans gravité, au kilomètre 9.</p>",
)
QUOTE = "On savait que la course se jouerait sur le pont, pas avant."
# The benchmark's journalist exists only in the benchmark's database.
PASSWORD = "banc-d-essai-2026"
# Every session of a run is named `<RUN>-…`: two runs sharing a database (the test suite
# started twice at once) then never touch each other's sessions.
RUN = os.environ.get("BENCH_RUN", "bench")


def slug(name: str) -> str:
    return f"{RUN}-{name}"


def setup_django() -> None:
    os.environ.update(bench_environment())
    import django

    django.setup()


def prepare_database() -> None:
    """The `bench` PostgreSQL database, migrated, and the static files of DEBUG-off serving."""
    import psycopg
    from django.conf import settings

    name = settings.DATABASES["default"]["NAME"]
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as db:
        if not db.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            db.execute(f'CREATE DATABASE "{name}"')
    env = bench_environment()
    for command in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, timeout=300
        )


def flush_redis() -> None:
    """Redis DB 5 is the benchmark's own: no cached page or channel-layer leftover survives."""
    import redis
    from django.conf import settings

    redis.Redis.from_url(settings.REDIS_URL).flushdb()


def forget_sessions() -> None:
    """Remove this run's sessions (the test's runs leave nothing behind)."""
    from liveblog.models import LiveSession

    LiveSession.objects.filter(slug__startswith=f"{RUN}-").delete()


def journalist():
    from django.contrib.auth.models import Group, User

    user, created = User.objects.get_or_create(
        username="bench-journaliste", defaults={"first_name": "Camille", "last_name": "Banc"}
    )
    if created or not user.check_password(PASSWORD):
        user.set_password(PASSWORD)
        user.save()
    user.groups.add(Group.objects.get_or_create(name="journalists")[0])
    return user


def fresh_session(slug: str, headline: str = "Marathon des Deux-Rives : le direct du banc"):
    """A live session with no posts, replacing any earlier one with this slug."""
    from django.utils import timezone

    from liveblog.domain.sessions import start_session
    from liveblog.models import LiveSession

    LiveSession.objects.filter(slug=slug).delete()
    session = LiveSession.objects.create(
        slug=slug,
        headline=headline,
        standfirst="La course minute par minute, du départ à l'arrivée.",
        credits="Le service des sports",
    )
    start_session(session=session, by=journalist(), at=timezone.now())
    session.journalists.add(journalist())
    return session


def draft(session, number: int):
    from liveblog.models import Block, Post, Rubric

    post = Post.objects.create(
        session=session,
        author=journalist(),
        title=f"Kilomètre {number} : l'échappée prend le large",
        rubric=Rubric.named("course"),
    )
    blocks = [
        Block(post=post, position=0, kind="paragraph", text=PARAGRAPHS[0]),
        Block(post=post, position=1, kind="quote", text=QUOTE, attribution="la directrice"),
        Block(post=post, position=2, kind="paragraph", text=PARAGRAPHS[1]),
    ]
    for block in blocks:
        block.save()
    return post


class Publisher:
    """Publishes one post at a time in `session`, timed from the start of the publish call."""

    def __init__(self, session):
        self.session = session
        self.drafts = []
        self.user = journalist()

    def prepare(self, count: int) -> None:
        start = len(self.drafts)
        self.drafts += [draft(self.session, start + n + 1) for n in range(count)]

    def publish(self) -> tuple[int, float, float]:
        """(seq of the event readers get, monotonic start of the publish, its seconds)."""
        from liveblog.domain.posts import publish_post
        from liveblog.models import Event

        if not self.drafts:
            self.prepare(1)
        post = self.drafts.pop(0)
        started = time.monotonic()
        publish_post(post=post, by=self.user)
        seconds = time.monotonic() - started
        seq = Event.objects.filter(post=post).order_by("-seq").values_list("seq", flat=True)[0]
        return seq, started, seconds

    def last_seq(self) -> int:
        self.session.refresh_from_db(fields=["last_seq"])
        return self.session.last_seq

    def close(self) -> None:
        """Nothing held open."""

    def frame(self, seq: int) -> str:
        from liveblog.delivery.fanout import encode_frame
        from liveblog.models import Event

        return encode_frame(Event.objects.get(session=self.session, seq=seq))


class DeskPublisher:
    """Publishes through the desk, as a journalist's browser does: logged in, the composer
    sent by htmx (HX-Request, the page's address, the composer's hidden fields from the
    last answer, the publish button's name and value) to /editor/<slug>/posts/new/, timed
    from the request's start to its response (the view saves, publishes, renders the event
    once and fans it out, then answers with a fresh composer and the new post's line)."""

    def __init__(self, session, address: tuple[str, int]):
        self.session = session
        self.user = journalist()
        self.address = address
        self.cookies: dict[str, str] = {}
        self.number = 0
        self.composer: dict[str, str] = {}  # the hidden fields of the composer on screen
        self.log_in()

    def request(
        self, method: str, path: str, form: dict | None = None, headers: dict | None = None
    ):
        import http.client
        from urllib.parse import urlencode

        headers = {
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            **(headers or {}),
        }
        body = None
        if form is not None:
            form = {**form, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        # A connection per request: the phases between publishes outlast keep-alive.
        connection = http.client.HTTPConnection(*self.address, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.body = response.read()
        finally:
            connection.close()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        return response

    def log_in(self) -> None:
        self.request("GET", "/editor/login/")
        answer = self.request(
            "POST", "/editor/login/", {"username": self.user.username, "password": PASSWORD}
        )
        if answer.status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(
                f"the bench journalist could not log in to the desk ({answer.status})"
            )

    def prepare(self, count: int) -> None:
        """The desk page, as the journalist opens it: its composer's hidden fields."""
        if not self.composer:
            page = self.request("GET", self.desk_path)
            self.composer = composer_fields(page.body.decode())

    @property
    def desk_path(self) -> str:
        return f"/editor/{self.session.slug}/"

    def form(self) -> dict:
        self.number += 1
        blocks = [
            ("paragraph", {"text": PARAGRAPHS[0]}),
            ("quote", {"text": QUOTE, "attribution": "la directrice"}),
            ("paragraph", {"text": PARAGRAPHS[1]}),
        ]
        form = {
            **self.composer,
            "action": "publish",
            "title": f"Kilomètre {self.number} : l'échappée prend le large",
            "rubric": "course",
            "scheduled_for": "",
            "version": "",
            "blocks-TOTAL_FORMS": len(blocks),
            "blocks-INITIAL_FORMS": 0,
        }
        for index, (kind, fields) in enumerate(blocks):
            form[f"blocks-{index}-kind"] = kind
            form[f"blocks-{index}-text_format"] = "html" if kind == "paragraph" else "plain"
            form |= {f"blocks-{index}-{name}": value for name, value in fields.items()}
        return form

    def publish(self) -> tuple[int, float, float]:
        self.prepare(1)
        form = self.form()
        htmx = {
            "HX-Request": "true",
            "HX-Target": "composer",
            "HX-Current-URL": f"http://{self.address[0]}:{self.address[1]}{self.desk_path}",
        }
        started = time.monotonic()
        answer = self.request("POST", f"{self.desk_path}posts/new/", form, htmx)
        seconds = time.monotonic() - started
        if answer.status != 200:
            raise RuntimeError(
                f"the desk refused to publish ({answer.status}): {answer.body[:2000]!r}"
            )
        # The fresh composer's fields (a new submission key) for the next post.
        self.composer = composer_fields(answer.body.decode())
        return self.last_seq(), started, seconds

    def last_seq(self) -> int:
        self.session.refresh_from_db(fields=["last_seq"])
        return self.session.last_seq

    def close(self) -> None:
        """Nothing held open between requests."""


def session_with_posts(slug: str, count: int):
    """A live session holding `count` published posts, loaded with the ORM in bulk
    (kept between runs when it already has them: loading 10,000 takes a while)."""
    from django.utils import timezone

    from liveblog.models import Block, LiveSession, Post, Rubric

    session = LiveSession.objects.filter(slug=slug).first()
    if session and session.posts.published().count() == count:
        return session
    session = fresh_session(slug, headline=f"Soirée électorale : {count} publications")
    rubric, author = Rubric.named("résultats"), journalist()
    start = timezone.now() - timedelta(hours=12)
    for offset in range(0, count, 1000):
        posts = Post.objects.bulk_create(
            Post(
                session=session,
                author=author,
                rubric=rubric,
                title=f"Bureau n° {n + 1} : participation en hausse",
                status=Post.Status.PUBLISHED,
                published_at=start + timedelta(seconds=4 * n),
            )
            for n in range(offset, min(offset + 1000, count))
        )
        Block.objects.bulk_create(
            Block(post=post, position=position, kind="paragraph", text=text)
            for post in posts
            for position, text in enumerate(PARAGRAPHS)
        )
    return session


def composer_fields(html: str) -> dict[str, str]:
    """The new-post composer's hidden fields (submission key, composer key…) in a desk page
    or an htmx answer, as the browser sends them back."""
    import re

    start = html.find('<section id="composer"')
    form = html[start : html.find("</form>", start)] if start >= 0 else ""
    fields = {}
    for tag in re.findall(r"<input [^>]*type=\"hidden\"[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and name[1] != "csrfmiddlewaretoken" and not name[1].startswith("blocks-"):
            fields[name[1]] = value[1] if value else ""
    return fields
