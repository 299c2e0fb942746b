"""The waiting list on the web: 排队候补 (the form beside the booking calendar posts here), 我的候补
(each entry's place in the queue, the claim deadline in local time, 确认预约 / 退出候补 from the
WAITLIST table)."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from nesta.core.generic import domain_errors, login_required_or_redirect
from nesta.core.generic.form import FormPage
from nesta.core.generic.transition import Outcome, safe_next, transition_buttons, transition_view
from nesta.core.lifecycle import Transition
from nesta.instruments.forms.booking import DATETIME_LOCAL
from nesta.instruments.forms.waitlist import WaitlistJoinForm
from nesta.instruments.lifecycles import WAITLIST
from nesta.instruments.selectors import waitlist as selectors
from nesta.instruments.services import waitlist as services
from nesta.instruments.views.find import PAGE_SIZE, get_instrument


class WaitlistJoin(FormPage):
    """排队候补: a taken slot of the instrument (the service refuses a free one: book it)."""

    form_class = WaitlistJoinForm
    template_name = "instruments/waitlist_join.html"
    context_object_name = "instrument"
    permission = "waitlist.join"
    permission_message = gettext_lazy("您没有排队候补的权限。")
    error_aliases = {"slot_free": "start", "already_waiting": "start"}

    def get_object(self, request: HttpRequest, pk: int) -> Any:
        return get_instrument(pk)

    def get_form(self, request: HttpRequest, obj: Any, data: Any = None) -> Any:
        # a plain form about the instrument, not a model form of it
        return self.form_class(data) if data is not None else self.form_class(initial=self.get_initial(request, obj))

    def get_initial(self, request: HttpRequest, obj: Any) -> dict[str, Any]:
        return {k: request.GET[k] for k in ("start", "end") if request.GET.get(k)}

    def save(self, request: HttpRequest, form: Any, instrument: Any) -> Any:
        d = form.cleaned_data
        return services.waitlist_join(request.user, instrument.pk, d["start"], d["end"], purpose=d.get("purpose") or "")

    def success_url(self, saved: Any) -> str:
        return reverse("instruments:my_waitlist")

    def success_message(self, saved: Any) -> str:
        return _("已加入候补，您排在第 %(n)d 位；时段空出时会通知您。") % {"n": saved.position}

    def get_extra_context(self, request: HttpRequest, obj: Any) -> dict[str, Any]:
        return {"datetime_local": DATETIME_LOCAL}


waitlist_join = WaitlistJoin.as_view()


@require_GET
@login_required_or_redirect
@domain_errors
def my_waitlist(request: HttpRequest) -> HttpResponse:
    cursor = request.GET.get("cursor") or None
    page = selectors.my_entries_page(user=request.user, cursor=cursor, limit=PAGE_SIZE)
    for entry in page.items:
        steps = WAITLIST.available(request.user, entry)
        entry.buttons = transition_buttons(steps, entry.pk, url_name="instruments:waitlist_{}")  # type: ignore[attr-defined]
    return render(request, "instruments/my_waitlist.html", {"page": page, "paged": cursor is not None})


def _run(request: HttpRequest, t: Transition, entry_id: int) -> Outcome | None:
    if t.name == "claim":
        entry = services.waitlist_claim(request.user, entry_id)
        return Outcome(
            _("已为您预约该时段（%(s)s）。") % {"s": entry.booking.get_status_display() if entry.booking else ""}
        )
    services.waitlist_leave(request.user, entry_id)
    return None


def _back(request: HttpRequest, entry_id: int) -> str:
    if selectors.entry_of(entry_id=entry_id) is None:
        raise Http404
    return safe_next(request, reverse("instruments:my_waitlist"))


# 确认预约, 退出候补 — one POST view for the table's offered transitions (urls.py names each).
waitlist_action = transition_view(WAITLIST, id_kwarg="entry_id", run=_run, back=_back, login_next=_back)
