"""The main navigation of every page, from the registry (read lazily: only pages with the layout)."""

from django.utils.functional import SimpleLazyObject

from nesta.portal.selectors import navigation as _navigation


def navigation(request):
    return {"nav_items": SimpleLazyObject(lambda: _navigation(request.path))}
