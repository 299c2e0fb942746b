"""The office's pages of the funding decision: a call's scores (raw, z-calibrated, model quality,
reviewer count, flags; the reviewers' offsets; the 会议评审 cut-off) and the selection page (the
run's parameters, the optimised list beside rank-until-budget with totals and differences, and
the confirmation with reasons)."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from nesta.core import errors
from nesta.core.generic import domain_errors, login_required_or_redirect
from nesta.core.generic.transition import error_text
from nesta.programmes.forms.selection import ConfirmForm, SelectionForm
from nesta.programmes.selectors import scores as score_reads
from nesta.programmes.selectors import selection as reads
from nesta.programmes.services import selection as services

LINES_SHOWN = 300  # candidates listed on the page (best first); the differences are listed in full


@login_required_or_redirect
@domain_errors
def scores_page(request: HttpRequest, pk: int) -> HttpResponse:
    round_id = request.GET.get("round")
    kind = request.GET.get("kind") if request.GET.get("kind") in score_reads.KINDS else "quality"
    try:
        scores = score_reads.call_scores(
            actor=request.user, call_id=pk, round_id=int(round_id) if round_id and round_id.isdigit() else None
        )
    except errors.ValidationFailed as exc:
        raise errors.NotFound(exc.message) from exc
    context = {
        "call": scores.call,
        "scores": scores,
        "rows": scores.by_kind(kind),
        "kind": kind,
        "kinds": score_reads.KIND_LABELS,
        "cutoff": score_reads.panel_cutoff(scores, kind),
        "may_decide": reads.may_decide(request.user, scores.call),
    }
    return render(request, "programmes/selection/scores.html", context)


def _selection_context(request: HttpRequest, pk: int, form: SelectionForm, run: Any = None) -> dict[str, Any]:
    call = score_reads.call_for_scores(actor=request.user, call_id=pk)
    runs = reads.runs_of(actor=request.user, call=call)
    if run is None and runs:
        wanted = request.GET.get("run")
        run = next((r for r in runs if wanted and str(r.pk) == wanted), runs[0])
    lines = reads.run_lines(run) if run is not None else []
    return {
        "lines_shown": lines[:LINES_SHOWN],
        "call": call,
        "form": form,
        "run": run,
        "runs": runs,
        "lines": lines,
        "lines_more": max(0, len(lines) - LINES_SHOWN),
        "confirm_form": ConfirmForm(),
        "only_optimal": [line for line in lines if line.in_optimal and not line.in_rank],
        "only_rank": [line for line in lines if line.in_rank and not line.in_optimal],
    }


@require_http_methods(["GET", "POST"])
@login_required_or_redirect
@domain_errors
def selection_page(request: HttpRequest, pk: int) -> HttpResponse:
    call = score_reads.call_for_scores(actor=request.user, call_id=pk)
    if not reads.may_decide(request.user, call):
        raise errors.PermissionDenied(_("只有领导小组办公室可以进行立项遴选。"))
    if request.method == "GET":
        form = SelectionForm(initial={"budget": call.budget, "score": "quality", "rank_rule": "stop", "use_tilt": True})
        return render(request, "programmes/selection/page.html", _selection_context(request, pk, form))
    form = SelectionForm(request.POST)
    if form.is_valid():
        try:
            run = services.selection_run(actor=request.user, call_id=pk, data=form.to_data())
        except (errors.ValidationFailed, errors.Conflict) as exc:
            form.add_error(None, error_text(exc) if isinstance(exc, errors.Conflict) else str(exc.message))
            for key, msgs in (exc.details or {}).items() if isinstance(exc.details, dict) else ():
                if isinstance(msgs, list) and all(isinstance(m, str) for m in msgs):
                    form.add_error(None, f"{key}: {'；'.join(msgs)}")
        else:
            messages.success(request, _("测算完成。"))
            return redirect(f"{request.path}?run={run.pk}")
    return render(request, "programmes/selection/page.html", _selection_context(request, pk, form), status=422)


@require_POST
@login_required_or_redirect
@domain_errors
def selection_confirm(request: HttpRequest, run_id: int) -> HttpResponse:
    run = reads.run_get(actor=request.user, run_id=run_id)
    form = ConfirmForm(request.POST)
    back = reverse("programmes:call_selection", args=[run.call_id]) + f"?run={run.pk}"
    if not form.is_valid():
        for msgs in form.errors.values():
            messages.error(request, "；".join(msgs))
        return redirect(back)
    add, remove = form.cleaned_data["adjustments"]
    try:
        services.selection_confirm(
            actor=request.user, run_id=run.pk, add=add, remove=remove, note=form.cleaned_data.get("note", "")
        )
    except (errors.ValidationFailed, errors.Conflict) as exc:
        messages.error(request, error_text(exc) if isinstance(exc, errors.Conflict) else str(exc.message))
        if isinstance(exc.details, dict):
            for key, msgs in exc.details.items():
                if isinstance(msgs, list) and all(isinstance(m, str) for m in msgs):
                    messages.error(request, f"{key}: {'；'.join(msgs)}")
        return redirect(back)
    messages.success(request, _("立项名单已确认：入选项目已立项资助，其余申请已告知不予资助。"))
    return redirect(back)
