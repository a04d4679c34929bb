"""The reference production stack on one machine: nginx in front of N app processes and the
scheduler, on PostgreSQL and Redis. `make stack` runs `up`; see the README's Operate part.

    python deploy/stack.py up [--dir stack] [--app-ports 9001,9002] [--https-port 8443] ...
    python deploy/stack.py manage createsuperuser      # manage.py with the stack's settings
    python deploy/stack.py down

Everything lives in one folder (--dir): the settings (etc/env, with a SECRET_KEY made once),
the rendered nginx and supervisord configurations, logs, photos (media/) and collected
static files. The app processes, the scheduler and the worker run under supervisord (restarted if they
die), which works with or without systemd; on a server with systemd, deploy/systemd/ has
the same processes as units. nginx runs as the user who starts it, with its own
configuration, so the machine's nginx is untouched. With no certificate given, a
self-signed one is made, so the stack is served over HTTPS as in production.
"""

import argparse
import os
import pwd
import re
import secrets
import shutil
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
STARTUP_SECONDS = 60


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["up", "down", "manage", "nginx-site"])
    parser.add_argument("--dir", type=Path, default=ROOT / "stack")
    parser.add_argument("--app-ports", default="9001,9002")
    parser.add_argument("--http-port", type=int, default=8080)
    parser.add_argument("--https-port", type=int, default=8443)
    parser.add_argument("--server-name", default="127.0.0.1")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", ""))
    parser.add_argument("--tls-cert", default=os.environ.get("TLS_CERT", ""))
    parser.add_argument("--tls-key", default=os.environ.get("TLS_KEY", ""))
    # Whatever the parser does not know goes to manage.py (`manage migrate --plan`).
    options, manage_arguments = parser.parse_known_args(argv)
    stack = Stack(options)
    if options.command == "up":
        stack.up()
    elif options.command == "down":
        stack.down()
    elif options.command == "nginx-site":
        print(stack.nginx_site())
    else:
        sys.exit(stack.manage(*manage_arguments, check=False).returncode)


class Stack:
    def __init__(self, options):
        self.options = options
        self.dir = options.dir.resolve()
        self.app_ports = [int(port) for port in options.app_ports.split(",")]

    # --- settings -------------------------------------------------------------------
    @property
    def site_url(self) -> str:
        port = self.options.https_port
        return f"https://{self.options.server_name}" + ("" if port == 443 else f":{port}")

    def environment(self) -> dict[str, str]:
        """The app's settings for this stack (etc/env), written on the first `up`."""
        env_file = self.dir / "etc" / "env"
        if not env_file.exists():
            if not self.options.database_url or not self.options.redis_url:
                sys.exit("The stack needs PostgreSQL and Redis: --database-url and --redis-url.")
            values = {
                "DJANGO_DEBUG": "0",
                "SECRET_KEY": secrets.token_urlsafe(50),
                "ALLOWED_HOSTS": f"{self.options.server_name},localhost",
                "SITE_URL": self.site_url,
                "DATABASE_URL": self.options.database_url,
                "REDIS_URL": self.options.redis_url,
                "MEDIA_ROOT": str(self.dir / "media"),
                "STATIC_ROOT": str(self.dir / "static"),
                # nginx is on this machine: only it may name the client.
                "LIVEBLOG_TRUSTED_PROXIES": "127.0.0.1,::1",
                "LIVEBLOG_CLIENT_ADDRESS_HEADER": "X-Forwarded-For",
                # nginx serves /media/ from the disk.
                "LIVEBLOG_SERVE_MEDIA": "0",
                "LIVEBLOG_TASKS": "database",
            }
            env_file.parent.mkdir(parents=True, exist_ok=True)
            env_file.write_text("".join(f"{key}={value}\n" for key, value in values.items()))
            env_file.chmod(0o600)
        pairs = (line.split("=", 1) for line in env_file.read_text().splitlines() if "=" in line)
        return {key: value for key, value in pairs}

    def manage(self, *arguments: str, check: bool = True) -> subprocess.CompletedProcess:
        env = {**os.environ, **self.environment()}
        return subprocess.run(
            [sys.executable, "manage.py", *arguments], cwd=ROOT, env=env, check=check
        )

    # --- configuration files ----------------------------------------------------------
    def tls_files(self) -> tuple[str, str]:
        if self.options.tls_cert and self.options.tls_key:
            return self.options.tls_cert, self.options.tls_key
        cert, key = self.dir / "tls" / "cert.pem", self.dir / "tls" / "key.pem"
        if not cert.exists():
            cert.parent.mkdir(parents=True, exist_ok=True)
            name = self.options.server_name
            san = f"IP:{name}" if name.replace(".", "").isdigit() else f"DNS:{name}"
            subprocess.run(
                [
                    *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "825"),
                    *("-keyout", str(key), "-out", str(cert), "-subj", f"/CN={name}"),
                    *("-addext", f"subjectAltName={san},DNS:localhost"),
                ],
                check=True,
                capture_output=True,
            )
        return str(cert), str(key)

    def nginx_site(self) -> str:
        cert, key = self.tls_files()
        https = self.options.https_port
        values = {
            "APP_SERVERS": "\n".join(f"    server 127.0.0.1:{port};" for port in self.app_ports),
            "SERVER_NAME": f"{self.options.server_name} localhost",
            "HTTP_PORT": str(self.options.http_port),
            "HTTPS_PORT": str(https),
            "HTTPS_SUFFIX": "" if https == 443 else f":{https}",
            "TLS_CERT": cert,
            "TLS_KEY": key,
            "STATIC_ROOT": str(self.dir / "static"),
            "MEDIA_ROOT": str(self.dir / "media"),
            **brotli_values(),
        }
        return fill((DEPLOY / "nginx" / "liveblog.conf").read_text(), values)

    def supervisor_config(self) -> str:
        env = ",".join(f'{key}="{value}"' for key, value in self.environment().items())
        python = sys.executable
        lines = [
            "[supervisord]",
            f"logfile={self.dir}/log/supervisord.log",
            f"pidfile={self.dir}/run/supervisord.pid",
            f"directory={ROOT}",
            f"environment={env.replace('%', '%%')}",
            "[unix_http_server]",
            f"file={self.dir}/run/supervisor.sock",
            "[supervisorctl]",
            f"serverurl=unix://{self.dir}/run/supervisor.sock",
            "[rpcinterface:supervisor]",
            "supervisor.rpcinterface_factory=supervisor.rpcinterface:make_main_rpcinterface",
        ]
        for port in self.app_ports:
            lines += [
                f"[program:app-{port}]",
                # The production command's one definition (newsroom/serve.py).
                f"command={python} -m newsroom.serve --host 127.0.0.1 --port {port}",
                *program_defaults(self.dir, f"app-{port}"),
            ]
        lines += [
            "[program:scheduler]",
            f"command={python} manage.py run_scheduler",
            *program_defaults(self.dir, "scheduler"),
            # Photo renditions and cards: jobs wait in the database, so one left when it
            # stops is done after the restart.
            "[program:worker]",
            f"command={python} manage.py db_worker --no-reload",
            *program_defaults(self.dir, "worker"),
        ]
        return "\n".join(lines) + "\n"

    # --- up and down --------------------------------------------------------------------
    def up(self) -> None:
        for folder in ("etc", "run", "log", "media", "static"):
            (self.dir / folder).mkdir(parents=True, exist_ok=True)
        self.environment()
        self.manage("migrate", "--noinput", "-v0")
        self.manage("collectstatic", "--noinput", "-v0")
        self.manage("check", "--deploy", "--fail-level", "WARNING")
        etc = self.dir / "etc"
        (etc / "liveblog-site.conf").write_text(self.nginx_site())
        main_config = (DEPLOY / "nginx" / "stack-nginx.conf").read_text()
        # Started as root, nginx would hand its workers to `nobody`, who cannot read the folder.
        user = f"user {pwd.getpwuid(os.getuid()).pw_name};" if os.getuid() == 0 else ""
        # Debian's nginx.conf loads modules-enabled/; the stack's own configuration loads brotli.
        module = f"load_module {BROTLI_MODULE};" if BROTLI_MODULE.exists() else ""
        values = {"STACK_DIR": str(self.dir), "USER_LINE": user, "LOAD_MODULES": module}
        (etc / "nginx.conf").write_text(fill(main_config, values))
        (etc / "supervisord.conf").write_text(self.supervisor_config())
        if not running(self.dir / "run" / "supervisord.pid"):
            run(
                [
                    sys.executable,
                    "-m",
                    "supervisor.supervisord",
                    "-c",
                    str(etc / "supervisord.conf"),
                ]
            )
        for port in self.app_ports:
            wait_for_port(port)
        nginx = [nginx_binary(), "-p", str(self.dir), "-c", str(etc / "nginx.conf")]
        run([*nginx, "-t", "-q"])
        if running(self.dir / "run" / "nginx.pid"):
            run([*nginx, "-s", "reload"])
        else:
            run(nginx)
        wait_for_page(f"https://127.0.0.1:{self.options.https_port}/robots.txt")
        print(f"The stack is up: {self.site_url}/ (desk: {self.site_url}/editor/).")

    def down(self) -> None:
        etc = self.dir / "etc"
        if running(self.dir / "run" / "nginx.pid"):
            subprocess.run(
                [nginx_binary(), "-p", str(self.dir), "-c", str(etc / "nginx.conf"), "-s", "quit"]
            )
        if running(self.dir / "run" / "supervisord.pid"):
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "supervisor.supervisorctl",
                    "-c",
                    str(etc / "supervisord.conf"),
                    "shutdown",
                ],
                capture_output=True,
            )
        for pidfile in ("nginx.pid", "supervisord.pid"):
            wait_gone(self.dir / "run" / pidfile)


def fill(template: str, values: dict[str, str]) -> str:
    """`${NAME}` replaced by its value; nginx's own `$variables` are left alone."""
    return re.sub(r"\$\{([A-Z_]+)\}", lambda match: values[match.group(1)], template)


# Debian's libnginx-mod-http-brotli-filter (`make nginx` installs it where apt has it).
BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_filter_module.so")
BROTLI = """\
    # Brotli for browsers that take it (Debian's libnginx-mod-http-brotli-filter): the app
    # sends those answers uncompressed ($liveblog_app_encoding) and nginx compresses them.
    # Photos are never compressed again (not in the types).
    brotli on;
    brotli_comp_level 5;
    brotli_min_length 512;
    brotli_types text/css application/javascript application/json application/atom+xml
                 application/rss+xml application/xml image/svg+xml text/plain;"""


def brotli_values() -> dict[str, str]:
    """The site's brotli lines where this machine's nginx has the module, else gzip alone."""
    if not BROTLI_MODULE.exists():
        return {"BROTLI": "    # No brotli module here: gzip only.", "BROTLI_MAP": ""}
    return {"BROTLI": BROTLI, "BROTLI_MAP": '    "~*\\bbr\\b" "";'}


def program_defaults(stack_dir: Path, name: str) -> list[str]:
    return [
        "autostart=true",
        "autorestart=true",
        "startsecs=2",
        "stopsignal=TERM",
        "stopwaitsecs=20",
        f"stdout_logfile={stack_dir}/log/{name}.log",
        "redirect_stderr=true",
    ]


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else "")
    if not found:
        sys.exit("nginx is not installed: `apt-get install nginx` (make stack does it).")
    return found


def run(command: list[str]) -> None:
    subprocess.run(command, check=True)


def wait_for_port(port: int) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"No app process answered on port {port}: see the stack's log/ folder.")


def wait_for_page(url: str) -> None:
    # The certificate may be our own self-signed one: this only checks that nginx answers.
    context = ssl._create_unverified_context()
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, context=context, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    sys.exit(f"{url} did not answer: see the stack's log/ folder.")


def running(pidfile: Path) -> bool:
    try:
        os.kill(int(pidfile.read_text().strip()), 0)
    except (OSError, ValueError):
        return False
    return True


def wait_gone(pidfile: Path) -> None:
    deadline = time.monotonic() + 30
    while running(pidfile) and time.monotonic() < deadline:
        time.sleep(0.2)


if __name__ == "__main__":
    main()
