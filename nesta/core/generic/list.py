"""ListPage: a filtered, cursor-paged list whose results an htmx request replaces in place.

    class OrganizationList(ListPage):
        template_name = "directory/organization_list.html"
        partial_template = "directory/_organization_results.html"
        filter_form = OrganizationFilterForm

        def get_page(self, request, filters, cursor, limit):
            return selectors.organization_list(filters=filters, cursor=cursor, limit=limit)

The filter form (bound to the query string) gives the selector its typed filters through its
`filters()` method; the selector pages with nesta.core.pagination; the template shows the bar with
`{% include "includes/pagination.html" %}` (context: page, paged)."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.decorators import method_decorator
from django.views import View

from nesta.core.generic.base import domain_errors, login_required_or_redirect, render_page_or_partial
from nesta.core.pagination import Page


class ListPage(View):
    http_method_names = ["get", "head", "options"]
    template_name: str = ""
    partial_template: str = ""
    filter_form: Any = None
    page_size: int = 20
    login_required: bool = False

    def get_filters(self, request: HttpRequest) -> tuple[Any, Any]:
        """The bound filter form and its typed filters (None without a filter form)."""
        if self.filter_form is None:
            return None, None
        form = self.filter_form(request.GET or None)
        return form, form.filters()

    def get_page(self, request: HttpRequest, filters: Any, cursor: str | None, limit: int) -> Page[Any]:
        """Each list page declares its selector call here (the one thing a list page must say)."""
        raise NotImplementedError(f"{type(self).__name__} must declare get_page()")

    def get_extra_context(self, request: HttpRequest, filters: Any, page: Page[Any]) -> dict[str, Any]:
        return {}

    @method_decorator(domain_errors)
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self.login_required:
            return login_required_or_redirect(super().dispatch)(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.kwargs = kwargs
        form, filters = self.get_filters(request)
        cursor = request.GET.get("cursor") or None
        page = self.get_page(request, filters, cursor, self.page_size)
        context = {"form": form, "filters": filters, "page": page, "paged": bool(cursor)}
        context.update(self.get_extra_context(request, filters, page))
        return render_page_or_partial(request, self.template_name, self.partial_template, context)
