from django import template

from liveblog.delivery.fanout import delivery_delayed_since
from liveblog.delivery.routing import reader_socket_path

register = template.Library()


@register.inclusion_tag("liveblog/delivery_status.html")
def delivery_status(session):
    """On the desk: tells journalists when readers get their posts late (Redis down)."""
    return {"delayed_since": delivery_delayed_since(session)}


@register.simple_tag
def reader_socket(session) -> str:
    """Where live.js opens the readers' websocket (main[data-socket])."""
    return reader_socket_path(session.slug)
