"""{% unread_notifications as n %}: the signed-in user's unread count, read once per request."""

from django import template

from nesta.core.notifications import notifications_unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or not getattr(user, "is_authenticated", False):
        return 0
    cached = getattr(request, "_nesta_unread_notifications", None)
    if cached is None:
        cached = request._nesta_unread_notifications = notifications_unread_count(user=user)
    return cached
