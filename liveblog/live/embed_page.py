"""The embed page: a compact live page partner sites show in an iframe, updated live.

It is the only page that may be framed: every other response keeps
`X-Frame-Options: DENY` and `frame-ancestors 'none'` from the settings.
"""

from django.conf import settings
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override

from liveblog.live import structured_data
from liveblog.models import LiveSession

# A partner's column has room for the latest few; the rest is one link away.
EMBED_POSTS = 10

FRAMING_ALLOWED = {**settings.SECURE_CSP, "frame-ancestors": ["*"]}


@xframe_options_exempt
@csp_override(FRAMING_ALLOWED)
def live_embed(request, slug: str):
    session = get_object_or_404(LiveSession.objects.for_reader(), slug=slug)
    published = session.posts.published()
    context = {
        "session": session,
        "pinned": list(published.pinned().for_display().newest_first()),
        "posts": list(published.unpinned().for_display().newest_first()[:EMBED_POSTS]),
        "post_count": published.count(),
        "canonical_url": structured_data.session_url(session),
    }
    with translation.override(session.language):
        return render(request, "liveblog/embed.html", context)


def embed_code(session: LiveSession) -> str:
    """The HTML a partner pastes: an iframe, and our script that sizes it to its content."""
    src = structured_data.absolute(f"{session.get_absolute_url()}embed/")
    script = structured_data.absolute(f"{settings.STATIC_URL}liveblog/embed.js")
    title = session.headline.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    return (
        f'<iframe src="{src}" title="{title}" data-liveblog-embed loading="lazy" '
        f'style="width:100%;height:600px;border:0"></iframe>\n'
        f'<script src="{script}" async></script>'
    )
