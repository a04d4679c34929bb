from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Prefetch, Q
from django.utils.translation import gettext_lazy as _

from liveblog.content.sanitize import sanitize_html
from liveblog.content.social import describe_embed
from liveblog.content.text import fold

from .cards import LinkCard


class Rubric(models.Model):
    """The short label above a post's title. One record per label, whatever its case or accents."""

    name = models.CharField(_("name"), max_length=60)
    key = models.CharField(max_length=60, unique=True, editable=False)

    class Meta:
        verbose_name = _("rubric")
        verbose_name_plural = _("rubrics")
        ordering = ["key"]
        constraints = [
            models.CheckConstraint(condition=~Q(key=""), name="rubric_not_blank"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.name = " ".join(self.name.split())
        self.key = fold(self.name)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        self.name = " ".join(self.name.split())
        self.key = fold(self.name)
        clash = Rubric.objects.filter(key=self.key).exclude(pk=self.pk).first()
        if clash:
            raise ValidationError(
                {"name": _("The rubric “%(name)s” already exists.") % {"name": clash.name}}
            )

    @classmethod
    def named(cls, name: str) -> "Rubric":
        """The rubric with this name, whatever its case or accents; created if new."""
        rubric, _created = cls.objects.get_or_create(
            key=fold(name), defaults={"name": " ".join(name.split())}
        )
        return rubric


class PostQuerySet(models.QuerySet):
    def published(self) -> "PostQuerySet":
        return self.filter(status=Post.Status.PUBLISHED)

    def pending(self) -> "PostQuerySet":
        """Not out yet: drafts, posts waiting for review and scheduled posts."""
        return self.filter(
            status__in=[Post.Status.DRAFT, Post.Status.SUBMITTED, Post.Status.SCHEDULED]
        )

    def submitted(self) -> "PostQuerySet":
        """The review queue: contributors' posts waiting for an editor, the oldest first."""
        return self.filter(status=Post.Status.SUBMITTED).order_by("submitted_at", "id")

    def deleted(self) -> "PostQuerySet":
        return self.filter(status=Post.Status.DELETED)

    def pinned(self) -> "PostQuerySet":
        return self.filter(pinned=True)

    def unpinned(self) -> "PostQuerySet":
        return self.filter(pinned=False)

    def key_events(self) -> "PostQuerySet":
        return self.filter(key_event=True)

    def due(self, at: datetime) -> "PostQuerySet":
        """Scheduled posts whose time has come by `at`, the earliest first."""
        return self.filter(status=Post.Status.SCHEDULED, published_at__lte=at).order_by(
            "published_at", "id"
        )

    def newest_first(self) -> "PostQuerySet":
        return self.order_by("-published_at", "-id")

    def oldest_first(self) -> "PostQuerySet":
        return self.order_by("published_at", "id")

    def before(self, cursor: tuple[datetime, int] | None) -> "PostQuerySet":
        """The posts after `cursor` (a post's time and id) in newest-first order: the next
        page by key, never by offset, so a post published meanwhile shifts nothing."""
        if cursor is None:
            return self
        at, post_id = cursor
        return self.filter(Q(published_at__lt=at) | Q(published_at=at, id__lt=post_id))

    def after(self, cursor: tuple[datetime, int] | None) -> "PostQuerySet":
        """The posts after `cursor` in oldest-first order: `before`'s twin for that order."""
        if cursor is None:
            return self
        at, post_id = cursor
        return self.filter(Q(published_at__gt=at) | Q(published_at=at, id__gt=post_id))

    def for_display(self) -> "PostQuerySet":
        """Everything one post's rendering needs, in a fixed number of queries."""
        blocks = (
            Block.objects.select_related("photo__credit", "card")
            .prefetch_related("photo__renditions")
            .order_by("position")
        )
        return self.select_related("rubric", "author").prefetch_related(
            Prefetch("blocks", queryset=blocks)
        )


class Post(models.Model):
    """One timestamped update (“publication”) of a live session."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        # A contributor's post waiting in the live's review queue (liveblog.domain.review).
        SUBMITTED = "submitted", _("waiting for review")
        SCHEDULED = "scheduled", _("scheduled")
        PUBLISHED = "published", _("published")
        DELETED = "deleted", _("deleted")

    session = models.ForeignKey(
        "LiveSession",
        verbose_name=_("live session"),
        on_delete=models.CASCADE,
        related_name="posts",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="posts",
    )
    rubric = models.ForeignKey(
        Rubric,
        verbose_name=_("rubric"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="posts",
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    # The time shown to readers; for a scheduled post, the time it goes out.
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, db_index=True)
    edited_at = models.DateTimeField(_("updated at"), null=True, blank=True)
    # Shown to readers as "Correction: …"; a silent typo fix leaves it empty.
    correction = models.CharField(_("correction note"), max_length=300, blank=True)
    # When its contributor sent it for review; the editor's note when it was sent back.
    submitted_at = models.DateTimeField(_("sent for review at"), null=True, blank=True)
    review_note = models.CharField(_("note from the editor"), max_length=500, blank=True)
    pinned = models.BooleanField(_("pinned"), default=False)
    key_event = models.BooleanField(_("key event"), default=False)
    version = models.PositiveIntegerField(_("version"), default=1)
    # The composer's key for the sending that created the post: a retry of that sending
    # (a crash mid-publish, a double click) finds this post instead of making a copy.
    submission_key = models.CharField(max_length=64, blank=True, default="", editable=False)
    # What an undo of a delete brings back (liveblog.domain.posts.restore_post).
    status_before_delete = models.CharField(
        _("status before delete"), max_length=10, choices=Status.choices, blank=True, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(
                F("session"),
                F("status"),
                F("published_at").desc(),
                F("id").desc(),
                name="post_timeline",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "submitted", "scheduled", "published", "deleted"]),
                name="post_status_known",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["scheduled", "published"]) | Q(published_at__isnull=False),
                name="post_out_has_time",
                violation_error_message=_("A published or scheduled post needs its time."),
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="post_version_positive"),
            models.UniqueConstraint(
                fields=["submission_key"],
                condition=~Q(submission_key=""),
                name="post_submission_key_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.title or _("Post %(id)s") % {"id": self.pk}

    def get_absolute_url(self) -> str:
        return f"{self.session.get_absolute_url()}#post-{self.pk}"

    @property
    def anchor(self) -> str:
        return f"post-{self.pk}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def hold_blocks(self, blocks: list["Block"]) -> None:
        """Keep the blocks just written, in order, as if prefetched: rendering the post
        (`for_display`) then reads none of them again."""
        held = Block.objects.filter(post=self)
        # What prefetch_related itself does with what it read (no public way to hand it in).
        held._result_cache, held._prefetch_done = list(blocks), True
        self._prefetched_objects_cache = {**getattr(self, "_prefetched_objects_cache", {})}
        self._prefetched_objects_cache["blocks"] = held

    def held_blocks(self) -> list["Block"] | None:
        """The blocks `hold_blocks` kept (or a prefetch read), None if they are not in hand."""
        held = getattr(self, "_prefetched_objects_cache", {}).get("blocks")
        return None if held is None else list(held)

    def for_display(self) -> "Post":
        """This post with everything its rendering needs, as `Post.objects.for_display()`
        reads it: itself when its author, rubric and blocks are in hand (a post just written
        with `hold_blocks`) and no block shows a photo or a poll, else read again."""
        held = self.held_blocks()
        if (
            held is not None
            and Post.author.is_cached(self)
            and (self.rubric_id is None or Post.rubric.is_cached(self))
            and all(
                block.photo_id is None
                and block.poll_id is None
                and (block.card_id is None or Block.card.is_cached(block))
                for block in held
            )
        ):
            return self
        post = Post.objects.for_display().get(pk=self.pk)
        if Post.session.is_cached(self):
            post.session = self.session
        return post


class Block(models.Model):
    """One piece of a post's content, in the order the journalist arranged them."""

    class Kind(models.TextChoices):
        PARAGRAPH = "paragraph", _("paragraph")
        PHOTO = "photo", _("photo")
        QUOTE = "quote", _("quote")
        EMBED = "embed", _("embedded post or video")
        LINK = "link", _("related link")
        QUESTION = "question", _("reader's question")
        POLL = "poll", _("poll")

    class LinkKind(models.TextChoices):
        ARTICLE = "article", _("article (“Read”)")
        VIDEO = "video", _("video (“Watch”)")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="blocks")
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    text = models.TextField(
        _("text"), blank=True, help_text=_("Paragraph (bold, italic, links, lists) or quotation.")
    )
    attribution = models.CharField(_("attribution"), max_length=200, blank=True)
    url = models.URLField(_("URL"), max_length=500, blank=True)
    link_kind = models.CharField(
        _("link kind"), max_length=10, choices=LinkKind.choices, blank=True
    )
    link_title = models.CharField(_("link title"), max_length=200, blank=True)
    photo = models.ForeignKey(
        "Photo", verbose_name=_("photo"), on_delete=models.PROTECT, null=True, blank=True
    )
    # What the URL's site says about it (embed or link), when it could be read.
    card = models.ForeignKey(
        "LinkCard",
        verbose_name=_("card"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    poll = models.ForeignKey(
        "Poll", verbose_name=_("poll"), on_delete=models.PROTECT, null=True, blank=True
    )

    class Meta:
        verbose_name = _("block")
        verbose_name_plural = _("blocks")
        ordering = ["post", "position"]
        constraints = [
            models.UniqueConstraint(fields=["post", "position"], name="block_position_unique"),
            models.CheckConstraint(
                condition=Q(
                    kind__in=["paragraph", "photo", "quote", "embed", "link", "question", "poll"]
                ),
                name="block_kind_known",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["paragraph", "quote", "question"]) | ~Q(text=""),
                name="block_text_present",
                violation_error_message=_("A paragraph or a quote needs its text."),
            ),
            models.CheckConstraint(
                condition=~Q(kind="photo") | Q(photo__isnull=False),
                name="block_photo_present",
                violation_error_message=_("A photo block needs its photo."),
            ),
            models.CheckConstraint(
                condition=~Q(kind="poll") | Q(poll__isnull=False),
                name="block_poll_present",
                violation_error_message=_("A poll block needs its poll."),
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["embed", "link"]) | ~Q(url=""),
                name="block_url_present",
                violation_error_message=_("An embed or a link needs its URL."),
            ),
            models.CheckConstraint(
                condition=~Q(kind="link")
                | (Q(link_kind__in=["article", "video"]) & ~Q(link_title="")),
                name="block_link_complete",
                violation_error_message=_("A related link needs its kind and its title."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.position}"

    def save(self, *args, **kwargs) -> None:
        if self.kind == self.Kind.PARAGRAPH:
            self.text = sanitize_html(self.text)
        # Cards belong to URLs (liveblog.desk.cards): whoever writes the block, the
        # desk, the admin, an archive import, it shows the card its URL already has.
        if self.kind in (self.Kind.EMBED, self.Kind.LINK) and self.url:
            if self.card is None or self.card.url != self.url:
                self.card = LinkCard.objects.filter(url=self.url).first()
        else:
            self.card = None
        super().save(*args, **kwargs)

    @property
    def shown_card(self):
        """The card readers see, when the URL's site could be read; None: a plain link."""
        card = self.card
        return card if card is not None and card.is_read else None

    @property
    def host(self) -> str:
        """“example.org”: where a related link leads, when its site gave no name."""
        return (urlsplit(self.url).hostname or "").removeprefix("www.")

    @property
    def embed(self):
        return describe_embed(self.url)
