"""Photo files (MEDIA_ROOT) served by the app itself, for a server with no nginx in front.

In the reference stack nginx serves /media/ straight from the disk and never asks the app;
with an S3-compatible store the files have the bucket's URLs. On one process with nothing
in front (`LIVEBLOG_SERVE_MEDIA=1`, the default) this view answers instead, DEBUG or not.
Django's `serve` keeps every path inside MEDIA_ROOT, lists no folder and answers
If-Modified-Since with a 304.
"""

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.http import Http404
from django.views.decorators.http import require_safe
from django.views.static import serve

# A photo's file never changes under its name (a new upload gets a new name); an hour in
# shared caches bounds how long a deleted photo lingers there.
MEDIA_CACHE_CONTROL = "public, max-age=3600"


@require_safe
def media_file(request, path: str):
    try:
        response = serve(request, path, document_root=settings.MEDIA_ROOT)
    except SuspiciousFileOperation:
        raise Http404(path) from None
    response["Cache-Control"] = MEDIA_CACHE_CONTROL
    return response
