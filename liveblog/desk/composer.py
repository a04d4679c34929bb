"""The composer: a post's rubric, title, time and ordered blocks, as one form.

Everything the desk sends is cleaned here, whatever the browser allowed: paragraph
HTML through the nh3 allow-list, every other text field down to plain text, URLs
to http(s) only. Adding, moving and removing blocks are plain form posts too, so
the composer works the same with JavaScript off.
"""

import re
import uuid

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from liveblog.content.sanitize import sanitize_html
from liveblog.content.social import PROVIDERS, describe_embed
from liveblog.content.text import fold, html_to_plain, plain, plain_to_html, without_nul
from liveblog.domain.roles import (
    can_create_rubric,
    can_set_displayed_time,
    is_contributor,
    is_editor,
)
from liveblog.models import Block, LinkCard, Photo, Poll, Rubric

MAX_BLOCKS = 40
# A long feature is 30,000 characters; past 100,000 a post is a document pasted by mistake,
# and its event would be too big to send to readers (liveblog.domain.events).
MAX_POST_CHARACTERS = 100_000
TEXT_FIELDS = ("text", "attribution", "url", "link_title", "caption", "alt_text", "credit")
POST_FIELDS = (
    "rubric",
    "title",
    "scheduled_for",
    "displayed_at",
    "correction",
    "version",
    "composer_key",
    "composer_seq",
    "submission_key",
)
SUBMISSION_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")
BLOCK_FIELDS = (
    "kind",
    "text",
    "text_format",
    "attribution",
    "url",
    "link_kind",
    "link_title",
    "photo",
    "caption",
    "alt_text",
    "credit",
    "card_of",
    "poll",
)
CONTENT_FIELDS = ("text", "attribution", "url", "link_title", "photo", "poll")
# A reader's question comes into a post by answering it, a poll from the poll form: the
# composer keeps them in the posts that have them, but adds none.
ADDABLE_KINDS = [kind for kind in Block.Kind.values if kind not in ("question", "poll")]
DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def without_nuls(data):
    """A copy of a form post (QueryDict) with NUL characters dropped from every value."""
    cleaned = data.copy()
    for key, values in data.lists():
        cleaned.setlist(key, [without_nul(v) if isinstance(v, str) else v for v in values])
    return cleaned


class NumberChoiceField(forms.ModelChoiceField):
    """A photo or a poll by its number: anything that is not one (“abc”, a 30-digit number)
    is an unknown record, never a database error."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not str(value).isdigit() or len(str(value)) > 18:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


def record_number(value) -> int | None:
    value = str(value or "")
    return int(value) if value.isdigit() and len(value) <= 18 else None


class PlainTextField(forms.CharField):
    def clean(self, value):
        return super().clean(plain(value))


class PostForm(forms.Form):
    rubric = PlainTextField(label=_("Rubric"), max_length=60, required=False)
    title = PlainTextField(label=_("Title"), max_length=200, required=False)
    scheduled_for = forms.DateTimeField(
        label=_("Publication time (UTC)"), required=False, widget=DATETIME_INPUT
    )
    displayed_at = forms.DateTimeField(
        label=_("Displayed time (UTC)"),
        required=False,
        widget=DATETIME_INPUT,
        help_text=_("Editors only: the time readers see, for example to backdate a post."),
    )
    correction = PlainTextField(
        label=_("Correction note"),
        max_length=300,
        required=False,
        help_text=_(
            "Editors only: shown to readers as “Correction: …” under the post. "
            "Leave empty for a silent typo fix."
        ),
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # One composer on one page: its autosaves carry this key and a rising number, so a
    # draft sent twice (a retry after the network came back) is written once.
    composer_key = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)
    composer_seq = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    # One per new post's composer, sent with each try: a retry is recognised (publishing).
    submission_key = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, session=None, action: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.action = action
        if not self.is_bound and not self.initial.get("submission_key"):
            self.initial["submission_key"] = uuid.uuid4().hex
        if not is_editor(user):
            del self.fields["correction"]
            if session is not None and can_set_displayed_time(user, session):
                minutes = session.journalist_backdate_minutes
                self.fields["displayed_at"].help_text = ngettext(
                    "The time readers see: at most %(minutes)d minute back in this live.",
                    "The time readers see: at most %(minutes)d minutes back in this live.",
                    minutes,
                ) % {"minutes": minutes}
            else:
                del self.fields["displayed_at"]
        if is_contributor(user):
            del self.fields["scheduled_for"]  # an editor decides when their posts go out
        if not self["composer_key"].value():
            self.initial["composer_key"] = uuid.uuid4().hex

    def clean_submission_key(self) -> str:
        key = self.cleaned_data["submission_key"]
        return key if SUBMISSION_KEY.fullmatch(key) else ""

    def clean_rubric(self) -> str:
        name = self.cleaned_data["rubric"]
        is_new = name and not Rubric.objects.filter(key=fold(name)).exists()
        if is_new and not can_create_rubric(self.user):
            raise ValidationError(
                _("Only editors create rubrics: pick one from the list."), code="new_rubric"
            )
        return name

    def clean_scheduled_for(self):
        moment = self.cleaned_data["scheduled_for"]
        if self.action == "schedule":
            if moment is None:
                raise ValidationError(_("Give the time to publish at."), code="required")
            if moment <= timezone.now():
                raise ValidationError(_("This time has passed: publish now instead."))
        return moment


MISSING = {
    "text": _("Write the text, or remove this block."),
    "url": _("Give the address (https://…)."),
    "link_title": _("Give the title readers will see."),
    "photo": _("Choose a photo to upload."),
    "alt_text": _("Describe the image for readers who cannot see it."),
    "credit": _("Credit the photo: pick a credit or type a new one."),
}


PREFILLED = _("Caption and credit were read from the photo: check them, then send again.")


NOT_EMBEDDABLE = _(
    "Embeds take posts and videos from X, YouTube, Bluesky and Instagram: "
    "for another site, add a related link."
)


class BlockForm(forms.Form):
    kind = forms.ChoiceField(choices=Block.Kind.choices, widget=forms.HiddenInput)
    text = forms.CharField(label=_("Text"), required=False, widget=forms.Textarea({"rows": 4}))
    # "plain" from the bare textarea (JavaScript off): paragraphs made on the server;
    # "html" from the formatted-text editor. Anything else is read as HTML (the API, old drafts).
    text_format = forms.CharField(required=False, widget=forms.HiddenInput)
    attribution = PlainTextField(label=_("Attribution"), max_length=200, required=False)
    url = forms.URLField(label=_("URL"), max_length=500, required=False, assume_scheme="https")
    link_kind = forms.ChoiceField(
        label=_("Link kind"), choices=Block.LinkKind.choices, required=False
    )
    link_title = PlainTextField(label=_("Link title"), max_length=200, required=False)
    photo = NumberChoiceField(
        queryset=Photo.objects.all(), required=False, widget=forms.HiddenInput
    )
    # A poll block carries its poll, as published: question, choices, closing time and votes
    # stay as they are (liveblog.domain.writing keeps it in its own post only).
    poll = NumberChoiceField(queryset=Poll.objects.all(), required=False, widget=forms.HiddenInput)
    # Only the transport: liveblog.photos.imaging judges the file and desk_photos stores it.
    image = forms.FileField(label=_("Photo"), required=False)
    caption = PlainTextField(label=_("Caption"), max_length=500, required=False)
    alt_text = PlainTextField(
        label=_("Alt text"),
        max_length=300,
        required=False,
        help_text=_("What the image shows, for readers who cannot see it."),
    )
    credit = PlainTextField(label=_("Credit"), max_length=400, required=False)
    # The URL whose card already filled this block's fields (liveblog.desk.attachments).
    card_of = forms.CharField(required=False, widget=forms.HiddenInput)
    upload_error = ""  # set by the view when the photo pipeline refused this block's file

    @property
    def kind_name(self) -> str:
        return self["kind"].value() or ""

    @property
    def stored_photo(self) -> Photo | None:
        photo_id = record_number(self["photo"].value())
        return (
            Photo.objects.select_related("credit").filter(pk=photo_id).first() if photo_id else None
        )

    @property
    def stored_poll(self) -> Poll | None:
        poll_id = record_number(self["poll"].value())
        return (
            Poll.objects.prefetch_related("choices").filter(pk=poll_id).first() if poll_id else None
        )

    @property
    def html_text(self) -> str:
        """A paragraph block's text as safe HTML, whichever way it was typed."""
        text = self["text"].value() or ""
        if self["text_format"].value() == "plain":
            return plain_to_html(text)
        return sanitize_html(text)

    @property
    def plain_text(self) -> str:
        """The same text for the bare textarea: words and blank lines, never tags."""
        return html_to_plain(self.html_text)

    @property
    def reads_cards(self) -> bool:
        return settings.LIVEBLOG_CARDS_FETCH

    @property
    def card(self) -> LinkCard | None:
        """The card of this embed's or link's URL (read, failed or being read), for the preview."""
        url = self["url"].value()
        if self.kind_name not in (Block.Kind.EMBED, Block.Kind.LINK) or not url:
            return None
        return LinkCard.objects.filter(url=url).first()

    def card_preview(self) -> Block | None:
        """The block as readers will see it (unsaved), when its card could be read."""
        card = self.card
        if card is None or not card.is_read:
            return None
        fields = {name: self[name].value() or "" for name in ("text", "attribution", "link_title")}
        link_kind = self["link_kind"].value() or Block.LinkKind.ARTICLE
        return Block(kind=self.kind_name, url=card.url, link_kind=link_kind, card=card, **fields)

    def clean_text(self) -> str:
        text = self.cleaned_data["text"]
        if self.data.get(self.add_prefix("kind")) == Block.Kind.PARAGRAPH:
            if self.data.get(self.add_prefix("text_format")) == "plain":
                return plain_to_html(text)
            return sanitize_html(text)
        return "\n".join(plain(line) for line in text.splitlines()).strip()

    def clean(self):
        data = super().clean()
        # Judged on what was sent, not on what survived cleaning: a bad URL is not an empty block.
        sent = [self.data.get(self.add_prefix(name)) for name in CONTENT_FIELDS]
        data["empty"] = not any(sent) and not self.files.get(self.add_prefix("image"))
        if data["empty"] and not self.upload_error:
            return data
        kind = data.get("kind")
        missing = {
            "text": kind in (Block.Kind.PARAGRAPH, Block.Kind.QUOTE),
            "url": kind in (Block.Kind.EMBED, Block.Kind.LINK),
            "link_title": kind == Block.Kind.LINK,
            "photo": kind == Block.Kind.PHOTO,
            "alt_text": kind == Block.Kind.PHOTO,
            "credit": kind == Block.Kind.PHOTO,
        }
        for name in [name for name, needed in missing.items() if needed]:
            if name == "photo" and not data.get("photo"):
                self.add_error("image", self.upload_error or MISSING["photo"])
            elif not data.get(name) and name not in self.errors:
                self.add_error(name, MISSING[name])
        if kind == Block.Kind.PHOTO and self.data.get(self.add_prefix("prefilled")):
            # Set by desk_photos from the photo's metadata: a person checks it before it goes out.
            self.add_error(None, PREFILLED)
        if kind == Block.Kind.LINK:
            data["link_kind"] = data.get("link_kind") or Block.LinkKind.ARTICLE
        if kind != Block.Kind.POLL:
            data["poll"] = None
        url = data.get("url")
        if (
            kind == Block.Kind.EMBED
            and url
            and describe_embed(url).provider not in PROVIDERS.values()
        ):
            self.add_error("url", NOT_EMBEDDABLE)
        return data


class BaseBlockFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        if not self.filled_blocks():
            raise ValidationError(_("Write at least one block: a paragraph, a photo, a quote…"))
        size = sum(
            len(block.get(name) or "") for block in self.filled_blocks() for name in TEXT_FIELDS
        )
        if size > MAX_POST_CHARACTERS:
            raise ValidationError(
                _(
                    "This post is %(size)s characters long, more than the %(limit)s a post can "
                    "be: split it into several posts."
                ),
                code="too_long",
                params={"size": size, "limit": MAX_POST_CHARACTERS},
            )

    def filled_blocks(self) -> list[dict]:
        return [form.cleaned_data for form in self.forms if not form.cleaned_data.get("empty")]


BlockFormSet = formset_factory(
    BlockForm, formset=BaseBlockFormSet, extra=0, max_num=MAX_BLOCKS, validate_max=True
)


class Composer:
    """The post form and its blocks, bound to what was sent or filled from a saved state."""

    def __init__(
        self,
        data=None,
        files=None,
        *,
        user,
        session=None,
        initial=None,
        blocks=None,
        refused=None,
    ):
        action = (data or {}).get("action", "")
        self.post_form = PostForm(data, user=user, session=session, action=action, initial=initial)
        self.blocks = BlockFormSet(
            data,
            files,
            prefix="blocks",
            initial=blocks,
            form_kwargs={"use_required_attribute": False},
        )
        for index, reason in (refused or {}).items():
            if index < len(self.blocks.forms):
                self.blocks.forms[index].upload_error = reason
        self.action = action

    @classmethod
    def from_state(cls, state: dict, *, user, session=None, change: str = "") -> "Composer":
        """An unbound composer showing a saved state (an autosaved draft, a structural change)."""
        initial = {name: state.get(name, "") for name in POST_FIELDS}
        blocks = apply_change(blocks_in(state), change)
        return cls(user=user, session=session, initial=initial, blocks=blocks)

    def is_valid(self) -> bool:
        # Both, always: every error shows next to its field in one round trip.
        return all([self.post_form.is_valid(), self.blocks.is_valid()])

    @property
    def expected_version(self) -> int | None:
        return self.post_form.cleaned_data.get("version")

    @property
    def block_templates(self) -> list[BlockForm]:
        """One empty block of each kind, for the page to add blocks without a round trip."""
        return [
            BlockForm(
                prefix=self.blocks.add_prefix("__prefix__"),
                initial={"kind": kind, "text_format": "plain"},
                use_required_attribute=False,
                empty_permitted=True,
            )
            for kind in ADDABLE_KINDS
        ]


def blocks_in(state: dict) -> list[dict]:
    try:
        total = min(int(state.get("blocks-TOTAL_FORMS") or 0), MAX_BLOCKS)
    except ValueError:
        total = 0
    return [
        {name: state.get(f"blocks-{index}-{name}", "") for name in BLOCK_FIELDS}
        for index in range(total)
    ]


def apply_change(blocks: list[dict], change: str) -> list[dict]:
    """`add-<kind>`, `up-<n>`, `down-<n>`, `remove-<n>`: what the composer's block buttons send."""
    blocks = list(blocks)
    verb, _sep, arg = change.partition("-")
    if verb == "add" and arg in ADDABLE_KINDS and len(blocks) < MAX_BLOCKS:
        blocks.append({"kind": arg, "text_format": "plain"})
        return blocks
    if not arg.isdigit() or int(arg) >= len(blocks):
        return blocks
    index = int(arg)
    if verb == "remove":
        del blocks[index]
    elif verb == "up" and index > 0:
        blocks[index - 1], blocks[index] = blocks[index], blocks[index - 1]
    elif verb == "down" and index < len(blocks) - 1:
        blocks[index + 1], blocks[index] = blocks[index], blocks[index + 1]
    return blocks


def state_of(post) -> dict:
    """A saved post as composer state, the same shape as a form post or an autosaved draft."""
    state = {
        "rubric": post.rubric.name if post.rubric else "",
        "title": post.title,
        "correction": post.correction,
        "version": post.version,
        "blocks-TOTAL_FORMS": 0,
    }
    for index, block in enumerate(post.blocks.select_related("photo__credit", "card")):
        fields = {name: getattr(block, name) for name in BLOCK_FIELDS if hasattr(block, name)}
        fields["photo"] = block.photo_id or ""
        fields["poll"] = block.poll_id or ""
        fields["text_format"] = "html" if block.kind == Block.Kind.PARAGRAPH else ""
        # A card still being read fills the block on the next save (liveblog.desk.attachments).
        fields["card_of"] = block.url if block.card and block.card.is_read else ""
        if block.photo:
            fields |= {
                "caption": block.photo.caption,
                "alt_text": block.photo.alt_text,
                "credit": block.photo.credit.label if block.photo.credit else "",
            }
        state |= {f"blocks-{index}-{name}": value for name, value in fields.items()}
        state["blocks-TOTAL_FORMS"] = index + 1
    return state


def new_post_state() -> dict:
    return {
        "blocks-TOTAL_FORMS": 1,
        "blocks-0-kind": Block.Kind.PARAGRAPH,
        "blocks-0-text_format": "plain",
    }
