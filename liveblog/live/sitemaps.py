"""The sitemap crawlers read: every public live, with Google News fields for fresh ones."""

from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap
from django.db.models import Count, Max, Q, Sum
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone

from liveblog.live.http_cache import DEPLOYED, SITEMAP, release_version, validated
from liveblog.models import Branding, LiveSession, Post

# Google News only reads articles published in the last two days.
NEWS_WINDOW = timedelta(days=2)


class LiveSessionSitemap(Sitemap):
    def items(self):
        return (
            LiveSession.objects.exclude(status=LiveSession.Status.SCHEDULED)
            .annotate(
                last_published=Max("posts__published_at", filter=Q(posts__status="published")),
                last_edited=Max("posts__edited_at", filter=Q(posts__status="published")),
            )
            .order_by("-started_at", "-id")
        )

    def lastmod(self, session: LiveSession):
        moments = [session.updated_at, session.last_published, session.last_edited]
        return max(moment for moment in moments if moment)

    def changefreq(self, session: LiveSession) -> str:
        return "always" if session.is_live else "never"

    def get_protocol(self, protocol=None) -> str:
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None) -> str:
        return urlsplit(settings.SITE_URL).netloc

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        recent = timezone.now() - NEWS_WINDOW
        newsroom_name = Branding.current().name
        for url in urls:
            session = url["item"]
            fresh = session.is_live or (session.ended_at and session.ended_at >= recent)
            url["news"] = fresh and {
                "name": newsroom_name,
                "language": session.language,
                "publication_date": session.started_at,
                "title": session.headline,
            }
        return urls


class PostSitemap(Sitemap):
    """Each published post's own page: what a shared link opens and a search engine can show."""

    # Sitemaps hold up to 50,000 URLs a page; Django pages this list past that.
    limit = 50_000

    def items(self):
        return (
            Post.objects.published()
            .exclude(session__status=LiveSession.Status.SCHEDULED)
            .select_related("session")
            .only("id", "published_at", "edited_at", "session__slug", "session__status")
            .order_by("-published_at", "-id")
        )

    def location(self, post: Post) -> str:
        return reverse("live:post", kwargs={"slug": post.session.slug, "pk": post.pk})

    def lastmod(self, post: Post):
        return post.edited_at or post.published_at

    def get_protocol(self, protocol=None) -> str:
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None) -> str:
        return urlsplit(settings.SITE_URL).netloc


SITEMAPS = {"lives": LiveSessionSitemap, "posts": PostSitemap}


def sitemap_version(request, **_kwargs) -> tuple[str, datetime | None]:
    """What the sitemap shows, named (liveblog.live.http_cache): every public live's position
    and last save, and how many are still news (a live leaves Google News's window with no
    event of its own)."""
    recent = timezone.now() - NEWS_WINDOW
    news = Q(status=LiveSession.Status.LIVE) | Q(ended_at__gte=recent)
    summary = LiveSession.objects.exclude(status=LiveSession.Status.SCHEDULED).aggregate(
        count=Count("pk"), seq=Sum("last_seq"), saved=Max("updated_at"), news=Count("pk", news)
    )
    saved = summary["saved"]
    stamp = f"{saved.timestamp():.6f}" if saved else "-"
    return f"{summary['count']}.{summary['seq'] or 0}.{stamp}.{summary['news']}", saved


@validated(sitemap_version, SITEMAP)
def sitemap_xml(request):
    return sitemap(request, SITEMAPS, template_name="liveblog/sitemap.xml")


@validated(release_version, DEPLOYED)
def robots_txt(request):
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /editor/"]
    lines.append(f"Sitemap: {settings.SITE_URL}{reverse('sitemap')}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
