"""`python manage.py import_session archive.json`: a live from export_session, recreated.

The photo files it references must already be in MEDIA_ROOT (copy the media folder).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from liveblog.archive import ArchiveError, import_session, read_archive


class Command(BaseCommand):
    help = "Recreate a live session from an archive written by export_session."

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)

    def handle(self, *args, archive: Path, **options):
        try:
            text = archive.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {archive}: {error}") from error
        try:
            session = import_session(read_archive(text))
        except ArchiveError as refused:
            raise CommandError(str(refused)) from refused
        posts = session.posts.count()
        self.stdout.write(f"Imported “{session.headline}” ({session.slug}): {posts} posts.")
