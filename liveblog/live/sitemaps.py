"""The sitemap crawlers read: every public live, with Google News fields for fresh ones."""

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap
from django.db.models import Max, Q
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone

from liveblog.models import LiveSession

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
        for url in urls:
            session = url["item"]
            fresh = session.is_live or (session.ended_at and session.ended_at >= recent)
            url["news"] = fresh and {
                "name": settings.PUBLISHER_NAME,
                "language": session.language,
                "publication_date": session.started_at,
                "title": session.headline,
            }
        return urls


SITEMAPS = {"lives": LiveSessionSitemap}


def sitemap_xml(request):
    return sitemap(request, SITEMAPS, template_name="liveblog/sitemap.xml")


def robots_txt(request):
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /editor/"]
    lines.append(f"Sitemap: {settings.SITE_URL}{reverse('sitemap')}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
