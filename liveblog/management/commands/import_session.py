"""`python manage.py import_session archive.json`: a live from export_session, recreated.

The photo files it references must already be in MEDIA_ROOT (copy the media folder).
"""

from pathlib import Path

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError

from liveblog.domain.archive import ArchiveError, import_session, read_archive
from liveblog.models import Photo


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
        if missing := missing_files(session):
            self.stderr.write(
                f"{len(missing)} photo file(s) not in MEDIA_ROOT yet: copy them from the "
                f"old server's media folder: {', '.join(missing)}"
            )


def missing_files(session) -> list[str]:
    photos = Photo.objects.filter(block__post__session=session) | Photo.objects.filter(
        pk=session.lead_photo_id
    )
    names = {photo.image.name for photo in photos.distinct()}
    return sorted(name for name in names if not default_storage.exists(name))
