"""Poll results as readers see them: each choice's share in whole percent, the turnout."""

from django import template

from liveblog.domain.alerts import alerts_enabled, application_server_key

register = template.Library()


@register.filter
def poll_turnout(choices) -> int:
    return sum(choice.votes for choice in choices)


@register.filter
def poll_share(choice, choices) -> int:
    return choice.share_of(poll_turnout(choices))


@register.simple_tag
def vapid_public_key() -> str:
    """The key browsers subscribe to alerts with; empty when alerts are off."""
    return application_server_key() if alerts_enabled() else ""
