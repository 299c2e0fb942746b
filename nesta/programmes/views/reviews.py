"""The expert's review pages: the seats to review (accepted and submitted), and the review form
beside the application as the expert may see it (blind calls hide the applicant and team)."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from nesta.core import errors
from nesta.core.generic import domain_errors, login_required_or_redirect
from nesta.core.generic.base import FAILED_POST_STATUS, put_service_errors
from nesta.core.permissions import can
from nesta.programmes.forms.reviews import ReviewForm
from nesta.programmes.models import AssignmentStatus
from nesta.programmes.selectors import reviews as reads
from nesta.programmes.services import reviews as services


@login_required_or_redirect
@domain_errors
def my_reviews(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "review.submit"):
        raise errors.PermissionDenied(_("只有评审专家可以查看评审任务。"))
    status = request.GET.get("status") or None
    seats = reads.my_seats(actor=request.user, status=status)
    return render(request, "programmes/reviews/mine.html", {"seats": seats, "status": status})


def _aliases(form: ReviewForm) -> dict[str, str]:
    return {f"scores.{c.code}": f"score_{c.code}" for c in form.criteria}


@require_http_methods(["GET", "POST"])
@login_required_or_redirect
@domain_errors
def review_form(request: HttpRequest, assignment_id: int) -> HttpResponse:
    seat = reads.seat_get(actor=request.user, assignment_id=assignment_id)
    criteria = reads.criteria_of(seat)
    review = reads.review_of(seat)
    own = can(request.user, "review.submit", seat)
    context: dict[str, Any] = {"seat": seat, "view": reads.expert_view(seat), "review": review, "criteria": criteria}
    open_seat = own and seat.status == AssignmentStatus.ACCEPTED and review is None
    if request.method == "POST" and not open_seat:
        if not own:
            raise errors.PermissionDenied(_("只有受邀专家本人可以提交评审意见。"))
        messages.error(request, _("该评审任务当前不能提交评审意见（已提交或尚未接受邀请）。"))
        return redirect("programmes:review_form", assignment_id=seat.pk)
    if request.method == "GET":
        context["form"] = ReviewForm(criteria=criteria) if open_seat else None
        return render(request, "programmes/reviews/form.html", context)
    form = ReviewForm(request.POST, criteria=criteria)
    if form.is_valid():
        try:
            services.review_submit(actor=request.user, assignment_id=seat.pk, data=form.to_data())
        except (errors.ValidationFailed, errors.Conflict) as exc:
            put_service_errors(form, exc, aliases=_aliases(form))
        else:
            messages.success(request, _("评审意见已提交，感谢您的评审。"))
            return redirect("programmes:review_form", assignment_id=seat.pk)
    context["form"] = form
    return render(request, "programmes/reviews/form.html", context, status=FAILED_POST_STATUS)
