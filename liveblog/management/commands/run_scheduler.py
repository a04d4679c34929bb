"""`python manage.py run_scheduler`: starts and ends scheduled lives and publishes scheduled
posts at their time, until stopped."""

import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from liveblog.domain.scheduling import end_due_lives, publish_due_posts, start_due_lives


class Command(BaseCommand):
    help = "Start and end lives and publish posts when their time comes (runs until stopped)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval", type=float, default=5.0, help="Seconds between checks (default 5)."
        )
        parser.add_argument("--once", action="store_true", help="Check once, then exit.")

    def handle(self, *args, interval: float, once: bool, **options):
        self.running = True
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        if not once:
            self.stdout.write(f"Scheduler: checking for due lives and posts every {interval:g} s.")
        while self.running:
            for live in start_due_lives():
                self.stdout.write(f"Started live {live.pk} ({live}).")
            for post in publish_due_posts():
                self.stdout.write(f"Published scheduled post {post.pk} ({post}).")
            for live in end_due_lives():
                self.stdout.write(f"Ended live {live.pk} ({live}).")
            if once:
                break
            time.sleep(interval)
            # A long-running loop must not keep a connection the database has dropped.
            close_old_connections()

    def stop(self, *_args) -> None:
        self.running = False
