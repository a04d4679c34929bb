"""What a card, once read, changes in the posts showing its URL.

The worker reads a card after the journalist's request (liveblog.desk.cards). Blocks
saved meanwhile take its words in the fields nobody filled, and published posts go to
readers again through `record_edit`, as an edit that is no change of content: the card is
not a person's correction, so no "Updated at" is stamped.
"""

from django.db import transaction

from liveblog.domain.posts import record_edit
from liveblog.models import Block, LinkCard, Post

# A related link needs a title (block_link_complete); until its card is read, its address
# stands in for it, and the card's title replaces it unless someone typed another.
TITLE_LENGTH = 200


def waiting_title(url: str) -> str:
    return url[:TITLE_LENGTH]


def card_fills(kind: str, card: LinkCard) -> dict[str, str]:
    """The block fields a read card offers, cut to what the fields hold."""
    if kind == Block.Kind.EMBED:
        return {"text": card.text, "attribution": card.author[:200]}
    return {"link_title": card.title[:TITLE_LENGTH], "text": card.text}


def is_unfilled(name: str, value: str, url: str) -> bool:
    """Nobody wrote this field: empty, or a link title still showing the address."""
    value = (value or "").strip()
    return not value or (name == "link_title" and value == waiting_title(url))


@transaction.atomic
def show_read_card(*, card: LinkCard, first_read: bool) -> list[Post]:
    """Once `card` is read: its blocks fill their unwritten fields from it (the first time
    only: a field emptied on purpose after that stays empty), and the published posts
    showing it are sent to readers again. Returns those posts."""
    blocks = Block.objects.filter(url=card.url, kind__in=[Block.Kind.EMBED, Block.Kind.LINK])
    posts: dict[int, Post] = {}
    for block in blocks.select_related("post__session"):
        changes = {"card": card}
        if first_read:
            for name, value in card_fills(block.kind, card).items():
                if value and is_unfilled(name, getattr(block, name), block.url):
                    changes[name] = value
        Block.objects.filter(pk=block.pk).update(**changes)
        posts[block.post_id] = block.post
    shown = [post for post in posts.values() if post.is_published]
    for post in shown:
        record_edit(post=post, by=None, content_changed=False, changed=["card"])
    return shown
