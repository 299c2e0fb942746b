"""DetailPage: one object read through a selector; 404 when it is missing or not visible to the
user (the selector decides what is visible: it returns None or raises NotFound).

    class PersonDetail(DetailPage):
        template_name = "directory/person_detail.html"
        context_object_name = "person"
        not_found = _("未找到该人员。")

        def get_object(self, request, pk):
            return selectors.person_get(pk=pk)
"""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views import View

from nesta.core.generic.base import domain_errors


class DetailPage(View):
    http_method_names = ["get", "head", "options"]
    template_name: str = ""
    context_object_name: str = "object"
    not_found: Any = None  # the 404 page's message

    def get_object(self, request: HttpRequest, **kwargs: Any) -> Any:
        """Each detail page declares its selector call here (the one thing a detail page must say)."""
        raise NotImplementedError(f"{type(self).__name__} must declare get_object()")

    def get_extra_context(self, request: HttpRequest, obj: Any) -> dict[str, Any]:
        return {}

    def load(self, request: HttpRequest, **kwargs: Any) -> Any:
        obj = self.get_object(request, **kwargs)
        if obj is None:
            raise Http404(self.not_found)
        return obj

    @method_decorator(domain_errors)
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        obj = self.load(request, **kwargs)
        context = {self.context_object_name: obj, **self.get_extra_context(request, obj)}
        return render(request, self.template_name, context)
