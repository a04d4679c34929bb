"""The reference production stack (deploy/stack.py), booted as an operator boots it: nginx in
front of two app processes and the scheduler, on PostgreSQL and Redis, DEBUG off, HTTPS.

Everything goes through nginx, as it would from the internet: a journalist logs in and
publishes a post with a photo, a reader's websocket receives it, the photo, its renditions
and the share image load, a scheduled post goes out, and the audit log names the
journalist's address, not nginx's. The people connect from 127.0.0.2 and 127.0.0.3 (the
loopback network is theirs), nginx reaches the app from 127.0.0.1, the one trusted proxy.

Needs PostgreSQL, Redis and nginx (`make test` installs nginx; CI fails if it is missing).
"""

import http.client
import io
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import time
import urllib.parse
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image
from websockets.sync.client import connect

from deploy.stack import BROTLI_MODULE
from tests.helpers.servers import POSTGRES, free_port

ROOT = Path(__file__).resolve().parents[2]
DATABASE = os.environ.get("STACK_TEST_DATABASE", "operations_stack")
REDIS_URL = os.environ.get("STACK_TEST_REDIS_URL", "redis://127.0.0.1:6379/3")
JOURNALIST, EDITOR_ADDRESS, READER_ADDRESS = "127.0.0.2", "127.0.0.2", "127.0.0.3"
PASSWORD = "pw-stack-2026"
# Generous: two app processes, nginx and PostgreSQL on a busy two-core machine.
WAIT = 60
TLS = ssl._create_unverified_context()  # the stack's own self-signed certificate

SETUP = f"""
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from liveblog.domain.sessions import start_session
from liveblog.models import LiveSession
jeanne = get_user_model().objects.create_user("jeanne", password="{PASSWORD}")
jeanne.groups.add(Group.objects.get_or_create(name="journalists")[0])
session = LiveSession.objects.create(slug="marathon", headline="Marathon des Deux-Rives")
session.journalists.add(jeanne)
start_session(session=session, by=None)
"""


def needs(condition: bool, reason: str) -> None:
    if not condition:
        if os.environ.get("CI"):
            pytest.fail(f"CI must provide it: {reason}")
        pytest.skip(reason)


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    needs(shutil.which("nginx") or Path("/usr/sbin/nginx").exists(), "nginx is not installed")
    needs(shutil.which("openssl") is not None, "openssl is not installed")
    import psycopg

    try:
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {DATABASE}")
    except psycopg.OperationalError as error:
        needs(False, f"PostgreSQL is not running: {error}")
    folder = tmp_path_factory.mktemp("stack")
    https, http_port = free_port(), free_port()
    options = [
        *("--dir", str(folder), "--https-port", str(https), "--http-port", str(http_port)),
        *("--app-ports", f"{free_port()},{free_port()}"),
        *("--database-url", f"{POSTGRES}/{DATABASE}", "--redis-url", REDIS_URL),
    ]

    def stack_command(*arguments: str, **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "deploy/stack.py", *arguments, *options],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            **kwargs,
        )

    up = stack_command("up")
    try:
        assert up.returncode == 0, up.stdout + up.stderr + logs(folder)
        setup = stack_command("manage", "shell", "-c", SETUP)
        assert setup.returncode == 0, setup.stderr
        yield {"port": https, "command": stack_command, "dir": folder, "up": up}
    finally:
        down = stack_command("down")
        assert down.returncode == 0, down.stderr


def logs(folder: Path) -> str:
    return "".join(f"\n--- {p.name}\n{p.read_text()[-2000:]}" for p in folder.glob("log/*.log"))


class Visitor:
    """A person's browser on its own address, talking HTTPS to nginx, keeping its cookies."""

    def __init__(self, port: int, address: str):
        self.port, self.address = port, address
        self.origin = f"https://127.0.0.1:{port}"
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes = b"", headers: dict | None = None):
        connection = http.client.HTTPSConnection(
            "127.0.0.1", self.port, source_address=(self.address, 0), context=TLS, timeout=WAIT
        )
        sent = {
            "Host": f"127.0.0.1:{self.port}",
            "Origin": self.origin,
            "Referer": self.origin + path,
            "Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items()),
            **(headers or {}),
        }
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        content = response.read()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";")[0].partition("=")
            self.cookies[name] = value
        connection.close()
        return response, content

    def get(self, path: str, **headers):
        return self.request("GET", path, headers=headers)

    def post_form(self, path: str, fields: dict):
        fields = {"csrfmiddlewaretoken": self.cookies["csrftoken"], **fields}
        body = urllib.parse.urlencode(fields).encode()
        return self.request(
            "POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"}
        )

    def post_multipart(self, path: str, fields: dict, files: dict[str, tuple[str, bytes]]):
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in {"csrfmiddlewaretoken": self.cookies["csrftoken"], **fields}.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
            )
        body = "".join(parts).encode()
        for name, (filename, data) in files.items():
            body += (
                (
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                    f'filename="{filename}"\r\nContent-Type: image/jpeg\r\n\r\n'
                ).encode()
                + data
                + b"\r\n"
            )
        body += f"--{boundary}--\r\n".encode()
        return self.request(
            "POST", path, body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        )


def composer(*blocks: dict, **fields) -> dict:
    data = {"action": "publish", "rubric": "", "title": "", "scheduled_for": "", "version": ""}
    data |= {"blocks-TOTAL_FORMS": len(blocks), "blocks-INITIAL_FORMS": 0} | fields
    for index, block in enumerate(blocks):
        data |= {f"blocks-{index}-{name}": value for name, value in block.items()}
    return data


def photograph() -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", (1600, 900), "#3366aa")
    image.paste(Image.new("RGB", (400, 300), "#ddaa22"), (600, 300))
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def reader_socket(port: int):
    raw = socket.create_connection(
        ("127.0.0.1", port), timeout=WAIT, source_address=(READER_ADDRESS, 0)
    )
    return connect(
        f"wss://127.0.0.1:{port}/ws/live/marathon/",
        sock=raw,
        ssl=TLS,
        server_hostname="127.0.0.1",
        origin=f"https://127.0.0.1:{port}",
        open_timeout=WAIT,
    )


def wait_for(check, what: str):
    deadline = time.monotonic() + WAIT * 2
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.5)
    raise AssertionError(f"waited {WAIT * 2} s for {what}")


def test_the_stack_serves_a_newsroom_night_through_nginx(stack):
    port = stack["port"]
    assert "System check identified no issues" in stack["up"].stdout + stack["up"].stderr
    journalist = Visitor(port, JOURNALIST)
    journalist.get("/editor/login/")
    response, _ = journalist.post_form(
        "/editor/login/?next=/editor/", {"username": "jeanne", "password": PASSWORD}
    )
    assert response.status == 302, "logged in through nginx over HTTPS"
    journalist.get("/editor/marathon/")

    with reader_socket(port) as reader:
        response, content = journalist.post_multipart(
            "/editor/marathon/posts/new/",
            composer(
                {"kind": "paragraph", "text": "Les premiers coureurs passent le pont."},
                {
                    "kind": "photo",
                    "alt_text": "Des coureurs sur le pont.",
                    "caption": "Au pont.",
                    "credit": "Léa Moreau/Clairvue",
                },
                title="Le pont des Deux-Rives",
            ),
            {"blocks-1-image": ("pont.jpg", photograph())},
        )
        assert response.status == 302, content.decode()[:2000]
        wait_for(
            lambda: "Le pont des Deux-Rives" in reader.recv(timeout=WAIT), "the reader's frame"
        )

    reader_page = Visitor(port, READER_ADDRESS)
    page = wait_for(
        lambda: (
            (html := reader_page.get("/live/marathon/")[1].decode()) and "srcset=" in html and html
        ),
        "the photo's renditions on the live page",
    )
    assert "Le pont des Deux-Rives" in page
    sources = re.findall(r'src="(/media/[^"]+)"', page)
    sources += [
        entry.split()[0]
        for srcset in re.findall(r'srcset="([^"]+)"', page)
        for entry in srcset.split(",")
    ]
    assert len(sources) >= 3, sources
    for source in sources:
        response, content = reader_page.get(source)
        assert response.status == 200, source
        assert response.headers["Content-Type"].startswith("image/"), source
        assert content[:3] in (b"\xff\xd8\xff", b"RIF"), source

    post_path = re.search(r'href="(/live/marathon/posts/\d+/)"', page).group(1)
    post_page = reader_page.get(post_path)[1].decode()
    og_image = re.search(r'<meta property="og:image" content="([^"]+)"', post_page).group(1)
    assert og_image.startswith(f"https://127.0.0.1:{port}/media/")
    response, _ = reader_page.get(urllib.parse.urlsplit(og_image).path)
    assert response.status == 200

    compressed, _ = reader_page.get("/live/marathon/", **{"Accept-Encoding": "gzip"})
    assert compressed.headers["Content-Encoding"] == "gzip"
    # Brotli where nginx has Debian's module (`make nginx` installs it), gzip where not.
    brotli = BROTLI_MODULE.exists()
    needs(brotli or not os.environ.get("CI"), "nginx's brotli module is not installed")
    for path in ("/live/marathon/", "/api/lives/marathon/posts/", "/live/marathon/feed.atom"):
        response, content = reader_page.get(path, **{"Accept-Encoding": "gzip, deflate, br"})
        assert response.status == 200, path
        assert response.headers["Content-Encoding"] == ("br" if brotli else "gzip"), path
        assert "Accept-Encoding" in response.headers["Vary"], path
    for source in sources[:2]:
        response, content = reader_page.get(source, **{"Accept-Encoding": "gzip, deflate, br"})
        assert "Content-Encoding" not in response.headers, source
        assert content[:3] in (b"\xff\xd8\xff", b"RIF"), source

    # Scheduled for the coming minute, from the desk; the scheduler publishes it.
    when = (datetime.now(UTC) + timedelta(minutes=1)).replace(second=0, microsecond=0)
    response, content = journalist.post_form(
        "/editor/marathon/posts/new/",
        composer(
            {"kind": "paragraph", "text": "Départ de la course des enfants."},
            action="schedule",
            title="Course des enfants",
            scheduled_for=when.strftime("%Y-%m-%dT%H:%M"),
        ),
    )
    assert response.status == 302, content.decode()[:2000]

    def published_titles():
        response, content = reader_page.get("/api/lives/marathon/posts/")
        return response.status == 200 and [post["title"] for post in json.loads(content)["posts"]]

    wait_for(lambda: "Course des enfants" in (published_titles() or []), "the scheduled post")

    audit = stack["command"](
        "manage",
        "shell",
        "-c",
        "from liveblog.models import AuditEntry; "
        "print(sorted({e.address for e in AuditEntry.objects.filter(username='jeanne')}))",
    )
    assert audit.stdout.strip().splitlines()[-1] == f"['{JOURNALIST}']", audit.stdout + audit.stderr
    deploy_check = stack["command"]("manage", "check", "--deploy", "--fail-level", "WARNING")
    assert deploy_check.returncode == 0, deploy_check.stdout + deploy_check.stderr
