"""经费账户 pages: the organisation admin's list of payer accounts with create and edit forms, an
account's statement (monthly spend as a small chart with its numbers) and its XLSX. Thin: the
selectors read (restricted to the user), services.payers writes and checks."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from nesta.core import errors
from nesta.core.generic.base import domain_errors, login_required_or_redirect
from nesta.core.generic.detail import DetailPage
from nesta.core.generic.download import file_download
from nesta.core.generic.form import FormPage
from nesta.core.generic.list import ListPage
from nesta.core.pagination import Page
from nesta.core.xlsx import XLSX_CONTENT_TYPE
from nesta.instruments.forms.payers import PayerAccountForm
from nesta.instruments.models import PayerAccount
from nesta.instruments.payer_exports import account_statement_xlsx
from nesta.instruments.selectors import payers as selectors
from nesta.instruments.services import payers as services


def _org_id(request: HttpRequest) -> int | None:
    """Whose accounts: ?org=<id> (the office, the province), else the user's organisation."""
    raw = request.GET.get("org", "")
    if raw.isascii() and raw.isdigit() and 0 < int(raw) < 2**31:  # "²".isdigit() is True
        return int(raw)
    managed = selectors.managed_organizations(request.user)
    return managed[0].pk if managed else getattr(request.user, "organization_id", None)


class PayerList(ListPage):
    template_name = "instruments/payers/list.html"
    partial_template = "instruments/payers/_rows.html"
    login_required = True
    page_size = 50

    def get_page(self, request: HttpRequest, filters: Any, cursor: str | None, limit: int) -> Page[Any]:
        self.org_id = _org_id(request)
        if self.org_id is None:
            return Page(items=[])
        return selectors.accounts_page(actor=request.user, organization_id=self.org_id, cursor=cursor, limit=limit)

    def get_extra_context(self, request: HttpRequest, filters: Any, page: Page[Any]) -> dict[str, Any]:
        org = (
            selectors.organization_for_accounts(actor=request.user, organization_id=self.org_id)
            if self.org_id
            else None
        )
        return {
            "organization": org,
            "may_manage": org is not None and selectors.can_manage(request.user, org),
            "list_url": reverse("instruments:payers"),
        }


def _holders(org_id: int) -> list[tuple[int, str]]:
    return selectors.holder_choices(org_id)


class PayerCreate(FormPage):
    template_name = "instruments/payers/form.html"
    context_object_name = "account"
    creating = True
    permission = "account.manage"
    permission_message = gettext_lazy("您没有管理经费账户的权限。")
    error_aliases = {"duplicate_code": "code"}

    def organization(self, request: HttpRequest) -> Any:
        org_id = _org_id(request)
        if org_id is None:
            raise errors.NotFound(gettext_lazy("请先选择单位。"))
        org = selectors.organization_for_accounts(actor=request.user, organization_id=org_id)
        if not selectors.can_manage(request.user, org):
            raise errors.PermissionDenied(self.permission_message)
        return org

    def get_form(self, request: HttpRequest, obj: Any, data: Any = None) -> PayerAccountForm:
        org = self.organization(request)
        return PayerAccountForm(data, holders=_holders(org.pk))

    def get_extra_context(self, request: HttpRequest, obj: Any) -> dict[str, Any]:
        return {"organization": self.organization(request)}

    def save(self, request: HttpRequest, form: Any, obj: Any) -> PayerAccount:
        org = self.organization(request)
        return services.payer_account_create(actor=request.user, organization_id=org.pk, data=form.to_data())

    def success_url(self, saved: PayerAccount) -> str:
        return f"{reverse('instruments:payers')}?org={saved.organization_id}"

    def success_message(self, saved: PayerAccount) -> str:
        return _("已新增经费账户“%(a)s”。") % {"a": saved}


class PayerEdit(FormPage):
    template_name = "instruments/payers/form.html"
    context_object_name = "account"
    permission_message = gettext_lazy("您没有管理该经费账户的权限。")
    not_found = gettext_lazy("未找到该经费账户。")
    error_aliases = {"duplicate_code": "code"}

    def get_object(self, request: HttpRequest, pk: int) -> Any:
        account = selectors.account_get(actor=request.user, account_id=pk)
        if not selectors.can_manage(request.user, account):
            raise errors.PermissionDenied(self.permission_message)
        return account

    def get_form(self, request: HttpRequest, account: Any, data: Any = None) -> PayerAccountForm:
        return PayerAccountForm(data, instance=account, holders=_holders(account.organization_id))

    def get_extra_context(self, request: HttpRequest, account: Any) -> dict[str, Any]:
        return {"organization": account.organization}

    def save(self, request: HttpRequest, form: Any, account: PayerAccount) -> PayerAccount:
        return services.payer_account_update(actor=request.user, account_id=account.pk, data=form.to_data())

    def success_url(self, saved: PayerAccount) -> str:
        return reverse("instruments:payer_detail", args=[saved.pk])

    def success_message(self, saved: PayerAccount) -> str:
        return _("已保存经费账户“%(a)s”。") % {"a": saved}


class PayerDetail(DetailPage):
    template_name = "instruments/payers/detail.html"
    context_object_name = "statement"
    not_found = gettext_lazy("未找到该经费账户。")

    def get_object(self, request: HttpRequest, pk: int) -> Any:
        return selectors.account_statement(actor=request.user, account_id=pk)

    def get_extra_context(self, request: HttpRequest, statement: Any) -> dict[str, Any]:
        return {
            "account": statement.account,
            "may_manage": selectors.can_manage(request.user, statement.account),
            "bar_height": selectors.BAR_HEIGHT,
        }


payers = PayerList.as_view()
payer_create = PayerCreate.as_view()
payer_edit = PayerEdit.as_view()
payer_detail = PayerDetail.as_view()


@require_POST
@domain_errors
@login_required_or_redirect
def payer_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    """停用 / 重新启用 (an account once used is never deleted)."""
    active = request.POST.get("active") == "1"
    account = services.payer_account_set_active(actor=request.user, account_id=pk, active=active)
    messages.success(
        request, (_("已启用经费账户“%(a)s”。") if active else _("已停用经费账户“%(a)s”。")) % {"a": account}
    )
    return redirect("instruments:payer_detail", pk=pk)


@domain_errors
@login_required_or_redirect
def payer_statement_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    statement = selectors.account_statement(actor=request.user, account_id=pk)
    a = statement.account
    return file_download(
        account_statement_xlsx(statement),
        filename=f"经费账户对账单_{a.code}_{a.name}.xlsx",
        content_type=XLSX_CONTENT_TYPE,
        private=True,
    )
