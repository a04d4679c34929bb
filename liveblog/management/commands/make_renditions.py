"""`python manage.py make_renditions`: makes the renditions photos are missing.

Renditions are made in a background thread after each upload; a server stopped in
the middle leaves some photos without them (readers get the original meanwhile).
"""

from django.core.management.base import BaseCommand

from liveblog.models import Photo
from liveblog.photos.renditions import make_renditions, rendition_widths


class Command(BaseCommand):
    help = "Make the renditions that photos are missing."

    def handle(self, *args, **options):
        made = 0
        for photo in Photo.objects.prefetch_related("renditions").iterator(chunk_size=100):
            expected = 2 * len(rendition_widths(photo.width))
            if len(photo.renditions.all()) < expected:
                make_renditions(photo)
                made += 1
        self.stdout.write(f"{made} photo(s) given their renditions.")
