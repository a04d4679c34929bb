from django import template

from liveblog.delivery.fanout import delivery_delayed_since

register = template.Library()


@register.inclusion_tag("liveblog/delivery_status.html")
def delivery_status(session):
    """On the desk: tells journalists when readers get their posts late (Redis down)."""
    return {"delayed_since": delivery_delayed_since(session)}
