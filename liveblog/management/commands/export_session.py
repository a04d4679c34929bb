"""`python manage.py export_session <slug> > archive.json`: one live as a JSON archive."""

from django.core.management.base import BaseCommand, CommandError

from liveblog.domain.archive import dumps, export_session
from liveblog.models import LiveSession


class Command(BaseCommand):
    help = "Write a live session (posts, revisions, events, photo references) as JSON."

    def add_arguments(self, parser):
        parser.add_argument("slug")

    def handle(self, *args, slug, **options):
        session = LiveSession.objects.filter(slug=slug).first()
        if session is None:
            raise CommandError(f"No live session with the slug “{slug}”.")
        self.stdout.write(dumps(export_session(session)), ending="")
