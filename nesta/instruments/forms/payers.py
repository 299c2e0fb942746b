"""The payer account form (经费账户). It only shapes the input: services.payers checks every value
(text without control characters, money in 元 with 分, dates 2000–2100, the holder of the
organisation) and its errors land beside these fields."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nesta.instruments.models import PayerAccount


class PayerAccountForm(forms.Form):
    code = forms.CharField(label=_("经费卡号/项目编号"), max_length=40)
    name = forms.CharField(label=_("账户名称"), max_length=120)
    kind = forms.ChoiceField(label=_("类型"), choices=PayerAccount.Kind.choices, initial=PayerAccount.Kind.CARD)
    holder = forms.TypedChoiceField(label=_("负责人"), required=False, coerce=int, empty_value=None)
    valid_from = forms.CharField(
        label=_("有效期起"), required=False, widget=forms.DateInput(attrs={"type": "date"}), max_length=10
    )
    valid_until = forms.CharField(
        label=_("有效期止"), required=False, widget=forms.DateInput(attrs={"type": "date"}), max_length=10
    )
    spending_limit = forms.CharField(
        label=_("支出上限(元)"), required=False, max_length=20, help_text=_("留空表示不设上限")
    )
    note = forms.CharField(label=_("备注"), required=False, max_length=200)

    def __init__(self, *args: Any, holders: list[tuple[int, str]] | None = None, **kwargs: Any):
        account: PayerAccount | None = kwargs.pop("instance", None)
        if account is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "code": account.code,
                "name": account.name,
                "kind": account.kind,
                "holder": account.holder_id,
                "valid_from": account.valid_from.isoformat() if account.valid_from else "",
                "valid_until": account.valid_until.isoformat() if account.valid_until else "",
                "spending_limit": account.spending_limit if account.spending_limit is not None else "",
                "note": account.note,
            }
        super().__init__(*args, **kwargs)
        self.fields["holder"].choices = [("", _("（不指定）")), *(holders or [])]

    def to_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        for name in ("valid_from", "valid_until", "spending_limit"):
            data[name] = data.get(name) or None
        return data


# --- the account select of the booking and order forms ---------------------------------------


def account_field() -> forms.TypedChoiceField:
    """经费账户: which of the user's organisation's accounts a booking or order goes to."""
    return forms.TypedChoiceField(
        label=_("经费账户"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("费用将计入所选的本单位经费账户；不选则不指定账户。"),
    )


def offer_accounts(form: forms.Form, accounts: list[PayerAccount], default: PayerAccount | None) -> None:
    """Give `form.fields["account_id"]` the user's accounts (the held ones first), preselecting
    `default` on an unbound form; without accounts the field goes away."""
    if not accounts:
        form.fields.pop("account_id", None)
        return
    field = form.fields.setdefault("account_id", account_field())
    field.choices = [("", _("（不指定）")), *((a.pk, f"{a.code} {a.name}") for a in accounts)]
    if default is not None and not form.is_bound:
        form.initial.setdefault("account_id", default.pk)


def with_accounts(form: forms.Form, user: Any, *, lazy: bool = False) -> forms.Form:
    """`form` offering `user`'s accounts (selectors.payers.usable_accounts, one query), the
    default preselected when the form is not yet filled in.

    `lazy`: a posted form that names no account needs no list to validate against (the booking
    path, where the query was a tenth of the request); the view calls this again without `lazy`
    before it shows the form back."""
    from nesta.instruments.selectors.payers import default_account, usable_accounts

    if lazy and form.is_bound and not form.data.get(form.add_prefix("account_id")):
        form.fields.setdefault("account_id", account_field()).choices = [("", _("（不指定）"))]
        form.accounts_deferred = True  # type: ignore[attr-defined]
        return form
    form.accounts_deferred = False  # type: ignore[attr-defined]
    accounts = usable_accounts(user)
    offer_accounts(form, accounts, default_account(user, accounts) if accounts else None)
    return form
