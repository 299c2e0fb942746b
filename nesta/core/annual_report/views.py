"""The annual report's pages, one set for every app (ReportPages says what differs):

    PAGES = ReportPages(owner="base", lifecycle=REPORT, url="bases:report", form=ReportForm, typed=TYPED,
                        get_owner=..., get_report=reads.report_get, actions=reads.report_actions,
                        create=..., update=services.report_update, run=services.report_run,
                        create_denied=_("…"), edit_denied=_("…"))

    class ReportPage(ReportPageBase):
        pages = PAGES
        template_name = "bases/report.html"
        def figures(self, request, report): return {"derived": reads.derived_rows(report)}

A create page for the owner's new report (the year defaults to last year), an edit page for a
draft or returned one, the report page (the owner, its typed figures, whether the viewer may edit,
the buttons of the steps they may take — what `figures()` adds: the derived ones), and the POST of
each step (back to the report page). Only the owner's people (`<prefix>.fill`) create and edit."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nesta.core import errors
from nesta.core.annual_report.models import EDITABLE
from nesta.core.generic.detail import DetailPage
from nesta.core.generic.form import FormPage
from nesta.core.generic.transition import transition_buttons, transition_view
from nesta.core.lifecycle import Lifecycle, Transition
from nesta.core.permissions import can


@dataclass(frozen=True)
class ReportPages:
    owner: str  # the report's ForeignKey to its owner, and the owner's name in the templates
    lifecycle: Lifecycle
    url: str  # the report page's URL name; its steps' are "<url>_<transition>", the edit page's "<url>_edit"
    form: Callable[..., Any]  # form(data, creating=, initial=) with .to_data()
    typed: Sequence[Any]  # the typed indicators
    get_owner: Callable[[int], Any]  # the owner by id (NotFound when there is none)
    get_report: Callable[..., Any]  # get_report(viewer=, report_id=): a report the viewer may read
    actions: Callable[[Any, Any], list[Transition]]  # the steps the viewer may take now
    create: Callable[..., Any]  # create(actor=, owner=, year=, data=)
    update: Callable[..., Any]  # update(actor=, report_id=, data=)
    run: Callable[..., Any]  # run(name, actor=, report_id=, reason=)
    create_denied: Any  # the 403 page's reason for someone who may not fill in the owner's report
    edit_denied: Any

    @property
    def fill(self) -> str:
        return self.lifecycle.transition("submit").permission

    def may_fill(self, user: Any, target: Any) -> bool:
        return can(user, self.fill, target.permission_target())


class ReportCreate(FormPage):
    pages: ReportPages
    creating = True
    error_aliases = {"report_exists": "year"}

    @property
    def context_object_name(self) -> str:  # type: ignore[override]
        return self.pages.owner

    def load(self, request: HttpRequest, **kwargs: Any) -> Any:
        owner = self.pages.get_owner(kwargs["pk"])  # a missing owner is a 404 even before the login
        if not request.user.is_authenticated:
            raise errors.NotAuthenticated()
        if not self.pages.may_fill(request.user, owner):
            raise errors.PermissionDenied(self.pages.create_denied)
        return owner

    def get_form(self, request: HttpRequest, obj: Any, data: Any = None) -> Any:
        return self.pages.form(data, creating=True, initial={"year": timezone.localdate().year - 1})

    def save(self, request: HttpRequest, form: Any, obj: Any) -> Any:
        return self.pages.create(actor=request.user, owner=obj, year=form.cleaned_data["year"], data=form.to_data())

    def success_message(self, saved: Any) -> str:
        return str(_("年度报告已保存为草稿，核对后请提交。"))


class ReportEdit(FormPage):
    pages: ReportPages
    context_object_name = "report"
    not_found = _("未找到该年度报告。")

    def get_object(self, request: HttpRequest, **kwargs: Any) -> Any:
        report = self.pages.get_report(viewer=request.user, report_id=kwargs["pk"])
        if not self.pages.may_fill(request.user, report):
            raise errors.PermissionDenied(self.pages.edit_denied)
        return report

    def get_form(self, request: HttpRequest, obj: Any, data: Any = None) -> Any:
        initial = {i.key: getattr(obj, i.key) for i in self.pages.typed} | {"summary": obj.summary}
        return self.pages.form(data, creating=False, initial=initial)

    def get_extra_context(self, request: HttpRequest, obj: Any) -> dict[str, Any]:
        return {self.pages.owner: getattr(obj, self.pages.owner)}

    def save(self, request: HttpRequest, form: Any, obj: Any) -> Any:
        return self.pages.update(actor=request.user, report_id=obj.pk, data=form.to_data())

    def success_message(self, saved: Any) -> str:
        return str(_("年度报告已保存。"))


class ReportPage(DetailPage):
    pages: ReportPages
    context_object_name = "report"
    not_found = _("未找到该年度报告。")

    def figures(self, request: HttpRequest, report: Any) -> dict[str, Any]:
        """What the app's page shows besides the typed figures (the derived ones, their records)."""
        return {}

    def get_object(self, request: HttpRequest, **kwargs: Any) -> Any:
        if not request.user.is_authenticated:
            raise errors.NotAuthenticated()
        return self.pages.get_report(viewer=request.user, report_id=kwargs["pk"])

    def get_extra_context(self, request: HttpRequest, obj: Any) -> dict[str, Any]:
        pages = self.pages
        return {
            pages.owner: getattr(obj, pages.owner),
            "typed": [{"indicator": i, "value": getattr(obj, i.key)} for i in pages.typed],
            **self.figures(request, obj),
            "buttons": transition_buttons(pages.actions(request.user, obj), obj.pk, url_name=f"{pages.url}_{{}}"),
            "editable": obj.status in EDITABLE and pages.may_fill(request.user, obj),
            "edit_url": reverse(f"{pages.url}_edit", args=[obj.pk]),
        }


def report_transition(pages: ReportPages) -> Callable[..., Any]:
    """The POST of each offered step (urls: transition_urls(lifecycle, …, name="<url>_{}"))."""

    def run(request: HttpRequest, t: Transition, report_id: int) -> None:
        pages.run(t.name, actor=request.user, report_id=report_id, reason=request.POST.get("reason", ""))

    return transition_view(
        pages.lifecycle, id_kwarg="pk", run=run, back=lambda request, pk: reverse(pages.url, args=[pk])
    )
