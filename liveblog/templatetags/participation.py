"""Poll results as readers see them: each choice's share in whole percent, the turnout."""

from django import template

register = template.Library()


@register.filter
def poll_turnout(choices) -> int:
    return sum(choice.votes for choice in choices)


@register.filter
def poll_share(choice, choices) -> int:
    return choice.share_of(poll_turnout(choices))
