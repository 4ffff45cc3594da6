"""The admin header's "Notifikasi" link: one COUNT query per admin page."""

from django import template

from articles.editorial.notes import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_staff:
        return 0
    return unread_count(user)
