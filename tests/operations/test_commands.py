"""The commands of the README and the Makefile work as written, on a checkout and a server."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UNSET = {"DJANGO_DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL", "DATABASE_URL", "REDIS_URL"}


def clean_environment(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in UNSET and not k.startswith("MAKE")}
    return {**env, **extra}


@pytest.fixture
def echo_python(tmp_path) -> Path:
    """A stand-in for the venv's python that says what it was asked and with which SITE_URL."""
    python = tmp_path / "python"
    # `make serve` starts the scheduler and the worker in the background, then the server,
    # and stops the other two when the server ends: the stand-in server waits until both
    # have said their line (however slow the machine is to start them).
    python.write_text(
        "#!/bin/sh\n"
        'echo "SITE_URL=$SITE_URL $*" >> "$0.said"\n'
        'case "$*" in *runserver*)\n'
        '  until grep -q run_scheduler "$0.said" && grep -q db_worker "$0.said"; do\n'
        "    sleep 0.1\n"
        "  done\n"
        '  cat "$0.said";;\n'
        "esac\n"
    )
    python.chmod(0o755)
    return tmp_path


def make(*arguments: str, env: dict) -> str:
    done = subprocess.run(
        ["make", "--no-print-directory", *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_serving_on_another_port_puts_every_url_on_that_port(echo_python):
    out = make("serve", "PORT=8101", f"BIN={echo_python}", env=clean_environment())
    assert "SITE_URL=http://127.0.0.1:8101 manage.py runserver 127.0.0.1:8101" in out
    assert "SITE_URL=http://127.0.0.1:8101 manage.py run_scheduler" in out


def test_a_site_url_given_by_the_operator_is_kept(echo_python):
    env = clean_environment(SITE_URL="https://direct.example.org")
    out = make("serve", "PORT=8101", f"BIN={echo_python}", env=env)
    assert "SITE_URL=https://direct.example.org manage.py runserver" in out


def test_the_demo_installs_the_app_without_the_test_and_benchmark_tools(echo_python, tmp_path):
    # -n: print what it would run, in a copy of the state where nothing is installed yet.
    out = make("-n", "-B", "demo", f"BIN={echo_python}", env=clean_environment())
    installs = [line for line in out.splitlines() if "pip install" in line and " -e " in line]
    assert installs and all(line.rstrip().endswith("-e .") for line in installs), installs
    tests = make("-n", "-B", "test-unit", f"BIN={echo_python}", env=clean_environment())
    assert "-e '.[test,bench,stack]'" in tests


def manage(*arguments: str, **environment: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=clean_environment(**environment),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_readme_commands_work_on_a_development_checkout_as_written():
    for command in (["check"], ["export_session", "--help"], ["showmigrations", "axes"]):
        done = manage(*command)
        assert done.returncode == 0, (command, done.stderr)


def test_a_server_with_its_secret_key_still_refuses_to_run_without_its_hosts():
    done = manage("check", SECRET_KEY="k" * 20 + "3Xq9-Lm2pR7sT1vW8yZ0aB4cD6eF5gHjK")
    assert done.returncode != 0
    assert "ALLOWED_HOSTS must be set" in done.stderr


def test_the_app_server_never_guesses_development_mode():
    done = subprocess.run(
        [sys.executable, "-c", "import newsroom.asgi"],
        cwd=ROOT,
        env=clean_environment(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "SECRET_KEY and ALLOWED_HOSTS must be set" in done.stderr
