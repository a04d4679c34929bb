"""The newsroom's branding on public pages: a template variable and a small stylesheet.

The colours travel as a stylesheet of our own (the CSP allows no inline style), at a URL
that carries the branding's version, so it is cached for long and renewed on every change.
"""

from django.http import HttpResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from liveblog.models import Branding

YEAR = 365 * 24 * 3600


def branding(request) -> dict:
    """Context processor: `branding` in every template."""
    return {"branding": Branding.current()}


@require_GET
def branding_css(request):
    current = Branding.current()
    css = (
        ":root {\n"
        f"  --brand: {current.colour};\n"
        f"  --brand-ink: {current.ink};\n"
        f"  --headline: {current.headline_stack};\n"
        "}\n"
    )
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    if request.GET.get("v") == current.version:
        patch_cache_control(response, public=True, max_age=YEAR, immutable=True)
    else:
        patch_cache_control(response, public=True, max_age=60)
    return response
