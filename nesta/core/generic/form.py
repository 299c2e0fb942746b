"""FormPage: create or edit one object through its service.

    class OrganizationEdit(FormPage):
        form_class = OrganizationForm
        template_name = "directory/organization_form.html"
        context_object_name = "org"
        permission = "organization.change"
        not_found = _("未找到该机构。")
        error_aliases = {"duplicate_uscc": "uscc"}

        def get_object(self, request, pk):
            return selectors.organization_get(pk=pk)

        def save(self, request, form, org):
            return services.organization_update(actor=request.user, organization=org, data=form.to_data())

        def success_url(self, saved):
            return reverse("directory:organization_detail", args=[saved.pk])

The steps, written once: anonymous users go to the login page; the object is read through the
selector (404 when it is missing or not visible); `permission` (an action of the policy, checked
with the object) refuses the page before a form is shown — the service checks it again on save,
and a PermissionDenied from the service is the 403 page too; a valid form becomes typed data for
the service; ValidationFailed details land beside the fields and a Conflict on the field
`error_aliases` names for its code (else above the form); a failed POST renders the form again
with FAILED_POST_STATUS (422, see base). On success: the message, then a redirect (an htmx
request gets HX-Redirect)."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views import View
from django_htmx.http import HttpResponseClientRedirect

from nesta.core import errors
from nesta.core.generic.base import FAILED_POST_STATUS, domain_errors, is_partial, put_service_errors
from nesta.core.permissions import can


class FormPage(View):
    http_method_names = ["get", "post", "head", "options"]
    form_class: Any = None
    template_name: str = ""
    partial_template: str = ""  # for htmx posts: the fragment holding the form
    context_object_name: str = "object"
    permission: str | None = None  # checked with the object (None for a new one) before the form
    permission_message: Any = None  # the 403 page's reason
    creating: bool = False  # a create page: no object to load
    not_found: Any = None
    error_aliases: dict[str, str] = {}  # service detail key or Conflict code → form field
    strip_prefix: str = ""  # "policy." for details like policy.max_minutes

    # --- what a page declares -------------------------------------------------------------------

    def get_object(self, request: HttpRequest, **kwargs: Any) -> Any:
        return None

    def get_initial(self, request: HttpRequest, obj: Any) -> dict[str, Any]:
        return {}

    def get_form(self, request: HttpRequest, obj: Any, data: Any = None) -> Any:
        """The form, bound to `data` on POST. Default: form_class(data, instance=obj, initial=…)."""
        kwargs: dict[str, Any] = {}
        if obj is not None:
            kwargs["instance"] = obj
        if data is None:
            initial = self.get_initial(request, obj)
            if initial:
                kwargs["initial"] = initial
            return self.form_class(**kwargs)
        return self.form_class(data, **kwargs)

    def save(self, request: HttpRequest, form: Any, obj: Any) -> Any:
        """Each page declares its service call here (the one thing a form page must say)."""
        raise NotImplementedError(f"{type(self).__name__} must declare save()")

    def success_url(self, saved: Any) -> str:
        """Where a saved record is shown: its own page, unless the form page says otherwise."""
        return saved.get_absolute_url()

    def success_message(self, saved: Any) -> str:
        return ""

    def get_extra_context(self, request: HttpRequest, obj: Any) -> dict[str, Any]:
        return {}

    def form_is_valid(self, form: Any) -> bool:
        return bool(form.is_valid())

    def context_forms(self, form: Any) -> dict[str, Any]:
        """What the template calls the form (and its formsets)."""
        return {"form": form}

    # --- the steps --------------------------------------------------------------------------------

    def load(self, request: HttpRequest, **kwargs: Any) -> Any:
        if not request.user.is_authenticated:
            raise errors.NotAuthenticated()
        obj = None
        if not self.creating:
            obj = self.get_object(request, **kwargs)
            if obj is None:
                raise errors.NotFound(self.not_found)
        if self.permission and not can(request.user, self.permission, obj):
            raise errors.PermissionDenied(self.permission_message)
        return obj

    def render_form(self, request: HttpRequest, form: Any, obj: Any, status: int = 200) -> HttpResponse:
        context = {self.context_object_name: obj, **self.context_forms(form), **self.get_extra_context(request, obj)}
        template = self.partial_template if self.partial_template and is_partial(request) else self.template_name
        return render(request, template, context, status=status)

    def put_errors(self, form: Any, exc: errors.DomainError) -> None:
        put_service_errors(form, exc, aliases=self.error_aliases, strip_prefix=self.strip_prefix)

    @method_decorator(domain_errors)
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        obj = self.load(request, **kwargs)
        return self.render_form(request, self.get_form(request, obj), obj)

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        obj = self.load(request, **kwargs)
        form = self.get_form(request, obj, data=request.POST)
        if self.form_is_valid(form):
            try:
                saved = self.save(request, form, obj)
            except (errors.ValidationFailed, errors.Conflict) as exc:
                self.put_errors(form, exc)
            else:
                message = self.success_message(saved)
                if message:
                    messages.success(request, message)
                url = self.success_url(saved)
                return HttpResponseClientRedirect(url) if is_partial(request) else redirect(url)
        return self.render_form(request, form, obj, status=FAILED_POST_STATUS)
