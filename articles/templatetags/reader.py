"""Template helpers for reader pages: times, photos, search marks, JSON-LD."""

import json
from functools import lru_cache

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from ..delivery import headers
from ..delivery.fragments import shared_between_purges
from ..media import renditions
from ..readers import search

register = template.Library()

# As django.utils.html.json_script does, so "</script>" in a headline stays text.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


RELATIVE_UNITS = ((60 * 60 * 24, "hari"), (60 * 60, "jam"), (60, "menit"))
RELATIVE_LIMIT_SECONDS = 7 * 24 * 60 * 60


def relative_time(moment, now=None):
    """`baru saja`, `5 menit yang lalu`, `3 jam yang lalu`, `2 hari yang lalu`; None past a week."""
    seconds = ((now or timezone.now()) - moment).total_seconds()
    if seconds >= RELATIVE_LIMIT_SECONDS:
        return None
    for unit_seconds, unit in RELATIVE_UNITS:
        if seconds >= unit_seconds:
            return f"{int(seconds // unit_seconds)} {unit} yang lalu"
    return "baru saja"


@register.filter
def machine_time(moment):
    """A datetime for `<time datetime>`: whole seconds, as HTML allows at most milliseconds."""
    return moment.replace(microsecond=0).isoformat() if moment else ""


@register.simple_tag
def story_time(story, css_class="story-time"):
    """<time> with the relative time shown and the exact one for machines and on hover."""
    return format_html(
        '<time class="{}" datetime="{}" title="{}">{}</time>',
        css_class,
        machine_time(story.published_at_here),
        story.date_line,
        relative_time(story.published_at_here) or story.date_line,
    )


@register.filter
def live_time(update, article):
    """A live update's time on its story's clock: `14 Mei 2022, 18:45 WIB`."""
    return article.date_line_of(update.at)


CARD_PHOTO_SIZES = "(min-width: 600px) 160px, 96px"
SQUARE_PHOTO_SIZES = "64px"
CARD_SHAPES = {"wide": ("small", CARD_PHOTO_SIZES), "square": ("square", SQUARE_PHOTO_SIZES)}


@register.simple_tag(takes_context=True)
def story_card(context, story, shape="wide"):
    """One story in a list: photo, kanal (unless the list is that kanal's), headline, time.

    `shape`: "wide" (16:9, lists) or "square" (1:1, Terpopuler); both lazy-loaded.

    Built here rather than in an included template because lists repeat it up to
    50 times a page: an include cost about 0.2 ms a card, this about 0.03 ms.
    Search results carry `headline_marked` / `excerpt_marked` with the matches.
    """
    url = story.get_absolute_url()
    headers.add_tags(context.get("request"), f"story-{story.pk}")
    use, sizes = CARD_SHAPES[shape]
    image = picture(story.photo, use, sizes)
    section = story.section_here
    show_section = section is not None and section.slug != context.get("current_section_slug")
    return format_html(
        '<li class="story-card">\n  {}<div class="story-card__body">\n    {}'
        '<a class="story-card__headline" href="{}">{}</a>\n    {}{}\n  </div>\n</li>',
        format_html(
            '<a class="story-card__media" href="{}" tabindex="-1" aria-hidden="true">{}</a>\n  ',
            url,
            image,
        )
        if image
        else "",
        format_html('<p class="story-card__section">{}</p>\n    ', section.name)
        if show_section
        else "",
        url,
        search.highlight(story.headline_marked) if story.headline_marked else story.headline_here,
        format_html(
            '<p class="story-card__excerpt">{}</p>\n    ',
            search.highlight(story.excerpt_marked),
        )
        if story.excerpt_marked
        else "",
        story_time(story, "story-card__time"),
    )


@register.simple_tag(takes_context=True)
def shown(context, story):
    """Names a story the page shows outside a card (the home page's lead) for the edge."""
    headers.add_tags(context.get("request"), f"story-{story.pk}")
    return ""


@register.simple_tag(takes_context=True)
def related_href(context, link):
    """Where a Baca Juga link goes from the page's site (`RelatedLink.href_from`)."""
    request = context["request"]
    return link.href_from(getattr(request, "site", None), request)


@register.simple_tag
def picture(photo, use, sizes, *, alt="", eager=False, css_class=""):
    """A photo's renditions as <picture>: AVIF, then WebP, JPEG fallback, sized to avoid
    shifts. `eager`: the page's first photo (never lazy-loaded, fetched first); every
    other is lazy.

    `alt` is the story's caption where the picture is the story's; empty (screen
    readers skip it) where it only repeats a link that follows. Built here rather than in
    an included template: a list page shows up to 35 of them, and an include cost
    about ten times as much.
    """
    if photo is None or not photo.image:
        return ""
    try:
        focal = renditions.focal_of(photo, use)
        return picture_markup(photo.image.name, use, focal, sizes, eager, alt or "", css_class)
    except renditions.Unreadable:
        return ""


@lru_cache(maxsize=renditions.PHOTOS_REMEMBERED_PER_PROCESS)
def picture_markup(master_name, use, focal, sizes, eager, alt, css_class):
    """The markup follows from its arguments alone (see `renditions.known_renditions`),
    so each process builds it once: escaping a card's srcsets cost about 50 µs."""
    made = renditions.known_renditions(master_name, use, focal)
    return format_html(
        '<picture{}>\n  <source type="image/avif" srcset="{}" sizes="{}">\n'
        '  <source type="image/webp" srcset="{}" sizes="{}">\n'
        '  <img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}"{} decoding="async">'
        "\n</picture>",
        format_html(' class="{}"', css_class) if css_class else "",
        join_srcset(made.avif),
        sizes,
        join_srcset(made.webp),
        sizes,
        made.largest.url,
        join_srcset(made.jpeg),
        sizes,
        made.largest.width,
        made.largest.height,
        alt,
        mark_safe(' fetchpriority="high"' if eager else ' loading="lazy"'),
    )


def join_srcset(made):
    """`url 320w, url 640w` for <img srcset> or <source srcset>."""
    return ", ".join(f"{rendition.url} {rendition.width}w" for rendition in made)


@register.filter
def ld_json(data):
    """`data` as JSON safe to put inside <script type="application/ld+json">."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return mark_safe(text.translate(JSON_SCRIPT_ESCAPES))


@register.tag
def shared(parser, token):
    """`{% shared "sidebar" %}...{% endshared %}`: the enclosed markup rendered once per
    purge of the site and shared by every request (`delivery.fragments.shared_between_purges`,
    made by one request while the others wait), with the edge tags of the stories it
    shows. Where `FRAGMENT_CACHE_SECONDS` is 0 (a preview) it is rendered afresh and
    never stored."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("{% shared %} takes one quoted name")
    nodelist = parser.parse(("endshared",))
    parser.delete_first_token()
    return SharedNode(nodelist, bits[1].strip("\"'"))


class SharedNode(template.Node):
    def __init__(self, nodelist, name):
        self.nodelist, self.name = nodelist, name

    def render(self, context):
        request = context.get("request")
        if request is None or context.get("FRAGMENT_CACHE_SECONDS", 0) <= 0:
            return self.nodelist.render(context)

        def make():  # the markup, with the edge tags of what it shows (`articles.delivery.headers`)
            with headers.collecting(request) as tags:
                html = self.nodelist.render(context)
            return html, sorted(tags)

        html, tags = shared_between_purges(request, f"fragment:{self.name}", make)
        headers.add_tags(request, *tags)
        return html
