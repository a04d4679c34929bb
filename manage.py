#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    # A checkout where nothing is configured (no SECRET_KEY) is a development machine, so the
    # README's commands work as written there. A server has its SECRET_KEY in the environment
    # and keeps DEBUG off; the app server itself (newsroom.asgi) never guesses.
    if "SECRET_KEY" not in os.environ:
        os.environ.setdefault("DJANGO_DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
