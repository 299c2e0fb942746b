"""Interest and negotiation on the web: the box on a listing's page (表达合作意向; for the owner's
side the interests received, with 接受 / 婉拒), 我的洽谈 (sent and received, as cards), and the
thread page (the interest, its answer, the contacts once accepted, messages and documents).
The steps come from the INTEREST table; every read goes through selectors.negotiation, which
answers 404 to anyone who is not a party or the operator."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from nesta.core.errors import Conflict, NotFound, PermissionDenied, RateLimited, ServiceUnavailable, ValidationFailed
from nesta.core.generic import FAILED_POST_STATUS, domain_errors, login_required_or_redirect
from nesta.core.generic.base import put_service_errors
from nesta.core.generic.download import file_download
from nesta.core.generic.form import FormPage
from nesta.core.generic.list import ListPage
from nesta.core.generic.transition import safe_next, transition_buttons, transition_view
from nesta.core.lifecycle import Transition
from nesta.core.pagination import Page
from nesta.market.forms.negotiation import AcceptForm, DeclineForm, InterestForm, MessageForm, NegotiationFilterForm
from nesta.market.lifecycles import INTEREST
from nesta.market.selectors import negotiation as selectors
from nesta.market.services import negotiation as services

THREAD_PAGE = 50


def _buttons(view: selectors.InterestView) -> list[Any]:
    return transition_buttons(view.transitions, view.interest.pk, url_name="market:interest_{}")


@require_GET
@domain_errors
def negotiation_box(request: HttpRequest, pk: int) -> HttpResponse:
    """The box's content on a listing's page (loaded by htmx from _detail_box.html)."""
    listing = selectors.listing_for_box(user=request.user, listing_id=pk)
    state = selectors.box_state(user=request.user, listing=listing)
    for view in state.received:
        view.buttons = _buttons(view)
    if state.mine is not None:
        state.mine.buttons = _buttons(state.mine)
    context = {"listing": listing, "state": state, "form": InterestForm()}
    return render(request, "market/negotiation/_box.html", context)


class InterestCreate(FormPage):
    form_class = InterestForm
    template_name = "market/negotiation/interest_form.html"
    context_object_name = "listing"
    # interest.create is on the actor's own organisation, not on the listing: checked below
    error_aliases = {"own_listing": "message", "listing_not_open": "message", "interest_exists": "message"}

    def get_object(self, request: HttpRequest, pk: int) -> Any:
        listing = selectors.listing_for_box(user=request.user, listing_id=pk)
        if not selectors.acts_for_party(request.user, getattr(request.user, "organization_id", None)):
            raise PermissionDenied(_("只有单位用户可以以本单位名义表达合作意向。"))
        return listing

    def get_form(self, request: HttpRequest, obj: Any, data: Any = None) -> Any:
        return self.form_class(data) if data is not None else self.form_class()

    def save(self, request: HttpRequest, form: Any, listing: Any) -> Any:
        try:
            return services.interest_express(
                actor=request.user, listing_id=listing.pk, message=form.cleaned_data["message"]
            )
        except RateLimited as exc:  # shown above the form, as any refused submission
            raise ValidationFailed(exc.message, code=exc.code) from exc

    def success_url(self, saved: Any) -> str:
        return reverse("market:interest_detail", args=[saved.pk])

    def success_message(self, saved: Any) -> str:
        return _("合作意向已发送，对方答复后会通知您。")


interest_create = InterestCreate.as_view()


class MyNegotiations(ListPage):
    template_name = "market/negotiation/my_negotiations.html"
    partial_template = "market/negotiation/_negotiation_results.html"
    filter_form = NegotiationFilterForm
    login_required = True

    def get_page(self, request: HttpRequest, filters: Any, cursor: str | None, limit: int) -> Page[Any]:
        page = selectors.interests_page(
            user=request.user, box=filters["box"], status=filters["status"], cursor=cursor, limit=limit
        )
        for view in page.items:
            view.buttons = _buttons(view)
        return page


my_negotiations = MyNegotiations.as_view()


def _thread_context(request: HttpRequest, view: selectors.InterestView, form: Any = None) -> dict[str, Any]:
    before = request.GET.get("before") or None
    page = selectors.thread_page(view=view, cursor=before, limit=THREAD_PAGE, newest_first=True)
    view.buttons = _buttons(view)
    thread = list(reversed(page.items))
    for m in thread:
        m.mine = view.own_organization_id is not None and m.author_organization_id == view.own_organization_id
    return {
        "view": view,
        "interest": view.interest,
        "listing": view.interest.listing,
        "thread": thread,
        "older_cursor": page.next_cursor,
        "paged": before is not None,
        "form": form or MessageForm(),
        "contacts": selectors.listing_contacts(view.interest.listing) if view.contacts_visible else None,
        "PARTY": selectors.PARTY,
        "OWNER": selectors.OWNER,
        "OPERATOR_SIDE": selectors.OPERATOR,
    }


@require_GET
@login_required_or_redirect
@domain_errors
def interest_detail(request: HttpRequest, pk: int) -> HttpResponse:
    view = selectors.interest_get(user=request.user, interest_id=pk)
    context = _thread_context(request, view)
    if view.unread:
        try:  # the read mark is bookkeeping: a busy database must not cost the reader the page
            services.thread_mark_read(actor=request.user, interest_id=pk)
        except ServiceUnavailable:
            pass
    return render(request, "market/negotiation/thread.html", context)


@require_POST
@login_required_or_redirect
@domain_errors
def thread_post(request: HttpRequest, pk: int) -> HttpResponse:
    view = selectors.interest_get(user=request.user, interest_id=pk)
    form = MessageForm(request.POST, request.FILES)
    status = FAILED_POST_STATUS
    if form.is_valid():
        try:
            message = services.thread_post(
                actor=request.user,
                interest_id=pk,
                body=form.cleaned_data.get("body") or "",
                attachment=form.cleaned_data.get("attachment"),
            )
        except (ValidationFailed, Conflict) as exc:
            put_service_errors(form, exc)
            status = exc.status
        except RateLimited as exc:
            form.add_error(None, str(exc.message))
            status = exc.status
        else:
            return redirect(f"{reverse('market:interest_detail', args=[pk])}#m{message.pk}")
    return render(request, "market/negotiation/thread.html", _thread_context(request, view, form), status=status)


@require_GET
@login_required_or_redirect
@domain_errors
def thread_attachment(request: HttpRequest, pk: int, message_id: int) -> HttpResponse:
    view = selectors.interest_get(user=request.user, interest_id=pk)
    message = selectors.message_get(view=view, message_id=message_id)
    if not message.attachment:
        raise NotFound()
    return file_download(
        message.attachment.open("rb"),
        filename=message.attachment_name,
        content_type=services.attachment_content_type(message.attachment_name),
        private=True,
    )


def _cleaned(form: Any) -> dict[str, Any]:
    if not form.is_valid():
        raise ValidationFailed(details={k: [str(m) for m in v] for k, v in form.errors.items()})
    return form.cleaned_data


def _run(request: HttpRequest, t: Transition, interest_id: int) -> None:
    user = request.user
    if t.name == "accept":
        answer = _cleaned(AcceptForm(request.POST)).get("answer") or ""
        services.interest_accept(actor=user, interest_id=interest_id, answer=answer)
    elif t.name == "decline":
        answer = _cleaned(DeclineForm(request.POST))["answer"]
        services.interest_decline(actor=user, interest_id=interest_id, answer=answer)
    elif t.name == "withdraw":
        services.interest_withdraw(actor=user, interest_id=interest_id)
    else:
        services.interest_close(actor=user, interest_id=interest_id)


def _back(request: HttpRequest, interest_id: int) -> str:
    return safe_next(request, reverse("market:interest_detail", args=[interest_id]))


# 接受, 婉拒, 撤回, 结束洽谈 — one POST view for the table's transitions (urls name each).
interest_action = transition_view(INTEREST, id_kwarg="interest_id", run=_run, back=_back, login_next=_back)
