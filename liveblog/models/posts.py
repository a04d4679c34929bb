from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Prefetch, Q
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from liveblog.content.sanitize import sanitize_html
from liveblog.content.text import fold


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

    def newest_first(self) -> "PostQuerySet":
        return self.order_by("-published_at", "-id")

    def for_display(self) -> "PostQuerySet":
        """Everything one post's rendering needs, in a fixed number of queries."""
        blocks = (
            Block.objects.select_related("photo__credit")
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
    pinned = models.BooleanField(_("pinned"), default=False)
    key_event = models.BooleanField(_("key event"), default=False)
    version = models.PositiveIntegerField(_("version"), default=1)
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
                condition=Q(status__in=["draft", "scheduled", "published", "deleted"]),
                name="post_status_known",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["scheduled", "published"]) | Q(published_at__isnull=False),
                name="post_out_has_time",
                violation_error_message=_("A published or scheduled post needs its time."),
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="post_version_positive"),
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

    def publish(self, *, by=None, at=None) -> None:
        """Put the post in front of readers, now or at the (editor-chosen) time `at`."""
        self.check_photos_publishable()
        with transaction.atomic():
            self.status = self.Status.PUBLISHED
            self.published_at = at or self.published_at or timezone.now()
            self.save()
            self._record("post.published")
            self._audit("post.published", by, published_at=self.published_at.isoformat())

    def check_photos_publishable(self) -> None:
        """Every photo going out needs its credit (owed to its author) and alt text (owed to
        readers who cannot see it): a ValidationError names each photo that lacks one."""
        if self.pk is None:
            return
        problems = []
        for block in self.blocks.filter(kind=Block.Kind.PHOTO).select_related("photo"):
            photo, params = block.photo, {"photo": Truncator(str(block.photo)).chars(60)}
            if not photo.alt_text.strip() and not photo.credit_id:
                message = _("The photo “%(photo)s” needs alt text and a credit to be published.")
            elif not photo.alt_text.strip():
                message = _("The photo “%(photo)s” needs alt text to be published.")
            elif not photo.credit_id:
                message = _("The photo “%(photo)s” needs a credit to be published.")
            else:
                continue
            problems.append(ValidationError(message, code="photo_incomplete", params=params))
        if problems:
            raise ValidationError(problems)

    def schedule(self, at, *, by=None) -> None:
        self.check_photos_publishable()
        with transaction.atomic():
            self.status = self.Status.SCHEDULED
            self.published_at = at
            self.save()
            self._audit("post.scheduled", by, at=at.isoformat())

    def record_edit(self, *, by=None, content_changed: bool = True, **detail) -> None:
        """Call after saving new content: bumps the version and tells readers if it is out.

        Only a change of content stamps "Updated at" for readers: a new displayed time
        (backdating) or a save with nothing changed moves no stamp."""
        with transaction.atomic():
            self.version = F("version") + 1
            if self.is_published and content_changed:
                self.edited_at = timezone.now()
            self.save()
            self.refresh_from_db(fields=["version"])
            if self.is_published:
                self._record("post.updated")
            if not content_changed:
                detail["content_changed"] = False
            self._audit("post.edited", by, version=self.version, status=self.status, **detail)

    def delete_softly(self, *, by=None) -> None:
        with transaction.atomic():
            was_published = self.is_published
            self.status = self.Status.DELETED
            self.save()
            if was_published:
                self._record("post.deleted")
            self._audit("post.deleted", by, was_published=was_published)

    def restore(self, *, by=None) -> None:
        """Undo a soft delete: back in front of readers at its original time."""
        with transaction.atomic():
            self.status = self.Status.PUBLISHED if self.published_at else self.Status.DRAFT
            self.save()
            if self.is_published:
                self._record("post.published")
            self._audit("post.restored", by, status=self.status)

    def set_pinned(self, pinned: bool, *, by=None) -> None:
        self._set_flag("pinned", pinned, by)

    def set_key_event(self, key_event: bool, *, by=None) -> None:
        self._set_flag("key_event", key_event, by)

    def _set_flag(self, name: str, value: bool, by) -> None:
        with transaction.atomic():
            setattr(self, name, value)
            self.save(update_fields=[name, "updated_at"])
            if self.is_published:
                self._record("post.updated")
            self._audit(f"post.{name}", by, **{name: value})

    def _record(self, kind: str) -> None:
        from liveblog.domain.events import record_event

        record_event(self.session, kind, post=self)

    def _audit(self, action: str, by, **detail) -> None:
        from liveblog.domain.audit import record_change

        record_change(action, by=by, post=self, detail=detail)


class Block(models.Model):
    """One piece of a post's content, in the order the journalist arranged them."""

    class Kind(models.TextChoices):
        PARAGRAPH = "paragraph", _("paragraph")
        PHOTO = "photo", _("photo")
        QUOTE = "quote", _("quote")
        EMBED = "embed", _("embedded post or video")
        LINK = "link", _("related link")

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

    class Meta:
        verbose_name = _("block")
        verbose_name_plural = _("blocks")
        ordering = ["post", "position"]
        constraints = [
            models.UniqueConstraint(fields=["post", "position"], name="block_position_unique"),
            models.CheckConstraint(
                condition=Q(kind__in=["paragraph", "photo", "quote", "embed", "link"]),
                name="block_kind_known",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["paragraph", "quote"]) | ~Q(text=""),
                name="block_text_present",
                violation_error_message=_("A paragraph or a quote needs its text."),
            ),
            models.CheckConstraint(
                condition=~Q(kind="photo") | Q(photo__isnull=False),
                name="block_photo_present",
                violation_error_message=_("A photo block needs its photo."),
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
        super().save(*args, **kwargs)

    @property
    def embed(self):
        from liveblog.content.social import describe_embed

        return describe_embed(self.url)
