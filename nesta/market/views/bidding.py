"""Online bidding on the web: the box on a property-right listing's page (status, the end as a
北京时间 clock and the time left, 报名竞买, the bid form with the next minimum, refreshed by htmx
polling), the public round page (the result and, once ended, the full bid history), the
operator's pages (open a round, qualify registrations, watch bids, close or cancel).

Views hold no queries and no rules: they call selectors.bidding and services.bidding.
"""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from nesta.core import errors
from nesta.core.generic import domain_errors, is_partial, login_required_or_redirect
from nesta.core.generic.form import FormPage
from nesta.core.generic.transition import Outcome, error_text, safe_next, transition_buttons, transition_view
from nesta.core.lifecycle import Transition
from nesta.market.forms.bidding import BidForm, RoundForm
from nesta.market.lifecycles import REGISTRATION, ROUND
from nesta.market.selectors import bidding as reads
from nesta.market.services import bidding as services


def listing_url(listing: Any) -> str:
    """The listing's page (the listings part's); the bidding page stands in while it is absent."""
    try:
        return str(listing.get_absolute_url())
    except NoReverseMatch:
        return reverse("market:bidding_listing", args=[listing.pk])


def _box_context(request: HttpRequest, listing: Any, **extra: Any) -> dict[str, Any]:
    user = request.user
    rnd = reads.listing_round(actor=user, listing=listing)
    context: dict[str, Any] = {
        "listing": listing,
        "rnd": rnd,
        "may_open": reads.may_open_round(user, listing) and listing.kind == "property_right",
        **extra,
    }
    if rnd is not None:
        context.update(
            state=reads.round_state(rnd),
            mine=reads.my_registration(actor=user, rnd=rnd),
            may_register=reads.may_register(user, rnd),
            may_manage=reads.may_manage(user, rnd),
            winner_code=reads.winner_code(rnd),
        )
    context.setdefault("bid_form", BidForm())
    return context


@require_GET
@domain_errors
def bidding_box(request: HttpRequest, listing_id: int) -> HttpResponse:
    """The box's content (loaded by the listing page's placeholder and refreshed by polling)."""
    listing = reads.listing_get(actor=request.user, listing_id=listing_id)
    return render(request, "market/bidding/_box.html", _box_context(request, listing))


@require_GET
@domain_errors
def bidding_listing(request: HttpRequest, listing_id: int) -> HttpResponse:
    """The bidding box as a page of its own (no-JS fallback and the target of redirects)."""
    listing = reads.listing_get(actor=request.user, listing_id=listing_id)
    return render(request, "market/bidding/listing.html", _box_context(request, listing))


@require_GET
@domain_errors
def bidding_state(request: HttpRequest, round_id: int) -> HttpResponse:
    """The live figures of a round (polled every few seconds while it is live)."""
    rnd = reads.round_get(actor=request.user, round_id=round_id)
    state = reads.round_state(rnd)
    response = render(request, "market/bidding/_state.html", {"rnd": rnd, "state": state})
    seen = request.GET.get("seen", "")
    if seen and seen != state.status:  # the round moved on: the box reloads (its forms change)
        response["HX-Trigger"] = "bidding-changed"
    return response


def _after_post(request: HttpRequest, listing: Any, *, status: int = 200, **extra: Any) -> HttpResponse:
    """An htmx post answers the refreshed box (422 when refused: base.html swaps it); a plain
    post redirects to the listing's page with the message."""
    if is_partial(request):
        return render(request, "market/bidding/_box.html", _box_context(request, listing, **extra), status=status)
    return redirect(safe_next(request, listing_url(listing)))


@require_POST
@login_required_or_redirect
@domain_errors
def bidding_bid(request: HttpRequest, round_id: int) -> HttpResponse:
    rnd = reads.round_get(actor=request.user, round_id=round_id)
    form = BidForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请输入有效的出价金额（元）。"))
        return _after_post(request, rnd.listing, status=422, bid_form=form)
    try:
        result = services.bid_place(actor=request.user, round_id=rnd.pk, amount=form.cleaned_data["amount"])
    except (errors.ValidationFailed, errors.Conflict, errors.PermissionDenied) as exc:
        text = error_text(exc) if not isinstance(exc, errors.PermissionDenied) else str(exc.message)
        messages.error(request, text)
        # outbid: the form offers the new minimum; a mistyped amount stays for correction
        again = BidForm() if isinstance(exc, errors.Conflict) else form
        return _after_post(request, rnd.listing, status=422, bid_form=again)
    except errors.ServiceUnavailable:
        messages.error(request, _("系统繁忙，请稍后重试。"))
        return _after_post(request, rnd.listing, status=422, bid_form=form)
    text = _("出价成功：%(a)s 元。") % {"a": f"{result.bid.amount:,.2f}"}
    if result.extended:
        text += _("截止时间已顺延 %(m)d 分钟。") % {"m": result.round.extend_minutes}
    messages.success(request, text)
    return _after_post(request, rnd.listing)


@require_POST
@login_required_or_redirect
@domain_errors
def bidding_register(request: HttpRequest, round_id: int) -> HttpResponse:
    rnd = reads.round_get(actor=request.user, round_id=round_id)
    try:
        services.registration_create(actor=request.user, round_id=rnd.pk, note=request.POST.get("note", ""))
    except (errors.ValidationFailed, errors.Conflict, errors.PermissionDenied) as exc:
        messages.error(request, error_text(exc) if not isinstance(exc, errors.PermissionDenied) else str(exc.message))
        return _after_post(request, rnd.listing, status=422)
    messages.success(request, _("已报名，等待运营方审核竞买资格。"))
    return _after_post(request, rnd.listing)


@require_GET
@domain_errors
def bidding_round(request: HttpRequest, round_id: int) -> HttpResponse:
    """The public page of a round: its terms, its state, and once ended the result and the full
    bid history (bidder codes, amounts, times in 北京时间)."""
    rnd = reads.round_get(actor=request.user, round_id=round_id)
    state = reads.round_state(rnd)
    page = None
    if reads.history_visible(request.user, rnd):
        page = reads.round_bids_page(actor=request.user, rnd=rnd, cursor=request.GET.get("cursor") or None)
    context = {
        "rnd": rnd,
        "state": state,
        "page": page,
        "winner_code": reads.winner_code(rnd),
        "listing_url": listing_url(rnd.listing),
        "may_manage": reads.may_manage(request.user, rnd),
        "paged": bool(request.GET.get("cursor")),
    }
    return render(request, "market/bidding/round.html", context)


@require_GET
@login_required_or_redirect
@domain_errors
def bidding_manage(request: HttpRequest, round_id: int) -> HttpResponse:
    """The operator's page of a round: registrations to qualify, bids so far, close or cancel."""
    rnd = reads.round_get(actor=request.user, round_id=round_id)
    registrations = reads.round_registrations(actor=request.user, rnd=rnd)
    state = reads.round_state(rnd)
    deciding = state.status == "registering" and not state.bidding_now  # decisions only before the start
    for reg in registrations:
        steps = [t for t in REGISTRATION.available(request.user, reg) if t.name != "withdraw" and deciding]
        reg.buttons = transition_buttons(steps, reg.pk, url_name="market:bidding_registration_{}")  # type: ignore[attr-defined]
    page = reads.round_bids_page(actor=request.user, rnd=rnd, cursor=request.GET.get("cursor") or None)
    context = {
        "rnd": rnd,
        "state": state,
        "registrations": registrations,
        "page": page,
        # 结束竞价 is offered once the (extended) end has passed; before, the job would refuse it
        "buttons": transition_buttons(
            [t for t in ROUND.available(request.user, rnd) if t.name != "close" or state.seconds_left == 0],
            rnd.pk,
            url_name="market:bidding_round_{}",
        ),
        "listing_url": listing_url(rnd.listing),
        "winner_code": reads.winner_code(rnd),
        "paged": bool(request.GET.get("cursor")),
    }
    return render(request, "market/bidding/manage.html", context)


@require_GET
@login_required_or_redirect
@domain_errors
def bidding_rounds(request: HttpRequest) -> HttpResponse:
    """The operator's rounds (office: all; a province: its own), newest first."""
    live = request.GET.get("live") == "1"
    page = reads.managed_rounds_page(actor=request.user, cursor=request.GET.get("cursor") or None, live_only=live)
    context = {"page": page, "live": live, "paged": bool(request.GET.get("cursor"))}
    return render(request, "market/bidding/rounds.html", context)


class RoundCreate(FormPage):
    """发起网络竞价 for a published property-right listing (the operator)."""

    form_class = RoundForm
    template_name = "market/bidding/round_form.html"
    context_object_name = "listing"
    permission = "bidding.manage"
    permission_message = gettext_lazy("您没有发起网络竞价的权限。")
    not_found = gettext_lazy("未找到该信息。")
    error_aliases = {"round_exists": "starts_at", "listing_not_published": "start_price"}

    def get_object(self, request: HttpRequest, listing_id: int) -> Any:
        return reads.listing_get(actor=request.user, listing_id=listing_id)

    def get_form(self, request: HttpRequest, obj: Any, data: Any = None) -> Any:
        if data is not None:
            return self.form_class(data)
        return self.form_class(initial={"start_price": obj.price_low, "extend_minutes": 5})

    def save(self, request: HttpRequest, form: Any, listing: Any) -> Any:
        data = services.RoundInput(**form.cleaned_data)
        return services.round_create(actor=request.user, listing_id=listing.pk, data=data)

    def success_url(self, saved: Any) -> str:
        return reverse("market:bidding_manage", args=[saved.pk])

    def success_message(self, saved: Any) -> str:
        return _("竞价场次已发起，开始接受竞买报名。")

    def get_extra_context(self, request: HttpRequest, obj: Any) -> dict[str, Any]:
        return {"listing_url": listing_url(obj)}


round_create = RoundCreate.as_view()


# --- transitions: a registration's (确认资格 / 驳回 / 退出) and a round's (结束竞价 / 取消) -----------


def _run_registration(request: HttpRequest, t: Transition, registration_id: int) -> Outcome | None:
    if t.name == "qualify":
        reg = services.registration_qualify(actor=request.user, registration_id=registration_id)
        return Outcome(_("已确认竞买资格，竞买号 %(c)s。") % {"c": reg.bidder_code})
    if t.name == "reject":
        services.registration_reject(
            actor=request.user, registration_id=registration_id, note=request.POST.get("note", "")
        )
        return None
    services.registration_withdraw(actor=request.user, registration_id=registration_id)
    return None


def _registration_back(request: HttpRequest, registration_id: int) -> str:
    round_id = reads.registration_round_id(registration_id=registration_id)
    if round_id is None:
        raise errors.NotFound()
    default = reverse("market:bidding_manage", args=[round_id])
    return safe_next(request, default)


registration_action = transition_view(
    REGISTRATION, id_kwarg="registration_id", run=_run_registration, back=_registration_back
)


def _run_round(request: HttpRequest, t: Transition, round_id: int) -> Outcome | None:
    if t.name == "close":
        rnd = services.round_close(actor=request.user, round_id=round_id)
        return Outcome(str(rnd.get_outcome_display() or rnd.get_status_display()))
    services.round_cancel(actor=request.user, round_id=round_id, reason=request.POST.get("reason", ""))
    return None


def _round_back(request: HttpRequest, round_id: int) -> str:
    return safe_next(request, reverse("market:bidding_manage", args=[round_id]))


round_action = transition_view(ROUND, id_kwarg="round_id", run=_run_round, back=_round_back)
