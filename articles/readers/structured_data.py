"""What search engines and social sites read about a story: JSON-LD and share images."""

from django.templatetags.static import static
from django.utils.text import Truncator

from ..media import renditions
from ..models import public_url

# Static images, drawn to the sizes Google and social cards ask for.
LOGO = {"path": "img/logo.png", "width": 600, "height": 60}
DEFAULT_IMAGE = {"path": "img/berita.png", "width": 1200, "height": 675}


def share_image(article, request):
    """The story's social card (1,200 px at 1.91:1, round its focal point), or the site's
    own image for a story without a photo."""
    made = renditions.rendition_set(article.photo, "social")
    if made is None:
        return _static_image(DEFAULT_IMAGE, request)
    largest = made.largest
    return {
        "url": request.build_absolute_uri(largest.url),
        "width": largest.width,
        "height": largest.height,
    }


def description(article):
    paragraphs = article.paragraphs
    return Truncator(paragraphs[0]).words(30) if paragraphs else article.headline


def news_article(article, request):
    """A schema.org NewsArticle with what Google News checks, times with their offsets.

    A draft seen in preview has no publication time yet, so no dates either. `author`
    lists the story's bylines in page order when it has any, else its editor.
    """
    url = article.canonical_url(request)
    zone = article.zone
    organisation = publisher(request)
    published = article.published_at_here
    modified = article.content_updated_at or published
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": article.headline_here,
        "description": description(article),
        "datePublished": published.astimezone(zone).isoformat() if published else None,
        "dateModified": modified.astimezone(zone).isoformat() if modified else None,
        "image": [{"@type": "ImageObject", **share_image(article, request)}],
        "author": organisation,
        "publisher": organisation,
        "inLanguage": "id",
        "isAccessibleForFree": True,
        "keywords": [tag.name for tag in article.tags.all()],
    }
    if article.editor:
        editor = {
            "@type": "Person",
            "name": article.editor.name,
            "url": request.build_absolute_uri(article.editor.get_absolute_url()),
        }
        data["author"] = editor
        data["editor"] = editor
    bylines = list(article.bylines.all())  # prefetched, in page order
    if bylines:
        data["author"] = [
            {
                "@type": "Person",
                "name": byline.person.name,
                "url": request.build_absolute_uri(byline.person.get_absolute_url()),
                "jobTitle": byline.get_role_display(),
            }
            for byline in bylines
        ]
    if article.section_here:
        data["articleSection"] = article.section_here.name
    if article.is_live:
        live_blog(data, article, zone)
    return {key: value for key, value in data.items() if value is not None}


def live_blog(data, article, zone):
    """A live report is a LiveBlogPosting with every update, newest first (uses the
    prefetched `live_updates`)."""
    updates = list(article.live_updates.all())
    data["@type"] = "LiveBlogPosting"
    data["coverageStartTime"] = data.get("datePublished")
    if updates:
        data["dateModified"] = max(
            updates[0].at.astimezone(zone).isoformat(), data.get("dateModified") or ""
        )
    data["liveBlogUpdate"] = [
        {
            "@type": "BlogPosting",
            "headline": update.title or Truncator(update.text).words(12),
            "datePublished": update.at.astimezone(zone).isoformat(),
            "articleBody": update.text,
            "url": f"{data['url']}#pembaruan-{update.pk}",
        }
        for update in updates
    ]


def publisher(request):
    """The site the story is read on, with its own logo when it has one."""
    site = request.site
    return {
        "@type": "NewsMediaOrganization",
        "name": site.name,
        "url": request.build_absolute_uri(public_url("articles:home")),
        "logo": {"@type": "ImageObject", **site_logo(site, request)},
    }


def site_logo(site, request):
    if site.logo:
        try:
            width, height = site.logo.width, site.logo.height
        except (OSError, ValueError):  # the file is gone: the default logo will do
            return _static_image(LOGO, request)
        return {"url": request.build_absolute_uri(site.logo.url), "width": width, "height": height}
    return _static_image(LOGO, request)


def _static_image(image, request):
    return {
        "url": request.build_absolute_uri(static(image["path"])),
        "width": image["width"],
        "height": image["height"],
    }
