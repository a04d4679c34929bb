from django import template

from liveblog.live.embed_page import embed_code as code_for

register = template.Library()


@register.simple_tag
def embed_code(session) -> str:
    """The partner snippet as text (escaped where it is shown)."""
    return code_for(session)
