"""An area-adjustment request (core.lifecycle):

    draft ─submit→ submitted ─endorse→ endorsed ─approve→ approved
      ↑                │                   └──── reject→ rejected
      └─ submit ─ returned ←─ return (province, from submitted) / send_back (office, from endorsed)
    draft / returned / submitted ─withdraw→ withdrawn (the zone)

The zone's management committee files and submits; its province gives its opinion (endorse, with
province_supports and province_opinion — a province may forward a request it does not support,
saying why); the office approves (with the approved area) or rejects, always with a decision note.
Whoever filed the request hears of each opinion, return and decision (in-app, and by e-mail after
commit); the province's S&T department hears when a request waits for its opinion, and the office
when one waits for its decision. A step's inputs are checked by services/areas.area_request_run after the permission and
the state, and saved with the step, so its audit row holds them.
"""

from typing import Any

from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from nesta.accounts.selectors import role_holders
from nesta.core.lifecycle import Lifecycle, Transition
from nesta.core.notifications import Message, notify, notify_many
from nesta.core.permissions import Role
from nesta.zones.models import AreaRequest, AreaRequestStatus

S = AreaRequestStatus


def _tell_filer(kind: str, title: str, body: str) -> Any:
    """Tell whoever filed the request what happened to it; `body` names the field that says why
    (the return reason, the province's opinion, the office's decision note)."""

    def tell(request: AreaRequest, actor: Any) -> None:
        if request.created_by_id is None:
            return
        notify(
            user=request.created_by,
            kind=kind,
            title=gettext(title) % {"z": request.zone.name[:60]},
            body=getattr(request, body) or "",
            url=request.get_absolute_url(),
        )

    return tell


def _both(*hooks: Any) -> Any:
    def run(request: AreaRequest, actor: Any) -> None:
        for hook in hooks:
            hook(request, actor)

    return run


def _tell_reviewers(kind: str, title: str, *, province: bool) -> Any:
    """Tell those who act next (the zone's province, or the office) that the request waits for them."""

    def tell(request: AreaRequest, actor: Any) -> None:
        zone = request.zone
        code = zone.province.code if province and zone.province_id else None
        if province and code is None:
            return
        people = role_holders(role=Role.PROVINCE if province else Role.OFFICE, province_code=code)
        text = gettext(title) % {"z": zone.name[:60]}
        body = gettext("现有面积 %(c)s 平方公里，申请调整为 %(r)s 平方公里。") % {
            "c": request.current_area,
            "r": request.requested_area,
        }
        url = request.get_absolute_url()
        notify_many(Message(user=u, kind=kind, title=text, body=body, url=url) for u in people if u.pk != actor.pk)

    return tell


AREA_REQUEST = Lifecycle(
    AreaRequest,
    [
        Transition(
            "submit",
            sources=(S.DRAFT, S.RETURNED),
            target=S.SUBMITTED,
            timestamp="submitted_at",
            event="area_request.submitted",
            label=_("提交调整扩区申请"),
            verb=_("提交"),
            style="primary",
            confirm=_("提交后由所在省科技厅出具意见，期间不能修改，确定提交吗？"),
            notify=_tell_reviewers(
                "area_request_to_endorse", gettext_noop("%(z)s 调整扩区申请待出具省级意见"), province=True
            ),
            done=_("申请已提交，等待省级意见，并已通知省科技厅。"),
            summary="提交申请（草稿/退回修改 → 已提交）",
            permission="area_request.file",
        ),
        Transition(
            "withdraw",
            sources=(S.DRAFT, S.SUBMITTED, S.RETURNED),
            target=S.WITHDRAWN,
            timestamp="withdrawn_at",
            event="area_request.withdrawn",
            label=_("撤回调整扩区申请"),
            verb=_("撤回"),
            style="outline-danger",
            confirm=_("撤回后不能恢复，确定撤回该申请吗？"),
            done=_("申请已撤回。"),
            summary="撤回申请（不能恢复）",
            permission="area_request.file",
        ),
        Transition(
            "endorse",
            sources=(S.SUBMITTED,),
            target=S.ENDORSED,
            timestamp="endorsed_at",
            event="area_request.endorsed",
            label=_("出具省级意见"),
            verb=_("出具意见"),
            needs_input=True,
            notify=_both(
                _tell_filer(
                    "area_request_endorsed", gettext_noop("%(z)s 调整扩区申请已出具省级意见"), "province_opinion"
                ),
                _tell_reviewers(
                    "area_request_to_decide", gettext_noop("%(z)s 调整扩区申请待领导小组办公室批复"), province=False
                ),
            ),
            style="primary",
            done=_("省级意见已出具，报送领导小组办公室，并已通知申请单位。"),
            summary="出具省级意见（已提交 → 省级已出具意见；须填写是否同意及意见）",
            permission="area_request.endorse",
        ),
        Transition(
            "return",
            sources=(S.SUBMITTED,),
            target=S.RETURNED,
            timestamp="returned_at",
            event="area_request.returned",
            label=_("省级退回修改"),
            verb=_("退回修改"),
            needs_input=True,
            notify=_tell_filer("area_request_returned", gettext_noop("%(z)s 调整扩区申请被退回修改"), "status_note"),
            style="outline-danger",
            done=_("已退回，并已通知申请单位。"),
            summary="省级退回修改（已提交 → 退回修改；须说明原因）",
            permission="area_request.endorse",
        ),
        Transition(
            "send_back",
            sources=(S.ENDORSED,),
            target=S.RETURNED,
            timestamp="returned_at",
            event="area_request.sent_back",
            label=_("办公室退回修改"),
            verb=_("退回修改"),
            needs_input=True,
            notify=_tell_filer("area_request_returned", gettext_noop("%(z)s 调整扩区申请被退回修改"), "status_note"),
            style="outline-danger",
            done=_("已退回，并已通知申请单位。"),
            summary="办公室退回修改（省级已出具意见 → 退回修改；须说明原因）",
            permission="area_request.decide",
        ),
        Transition(
            "approve",
            sources=(S.ENDORSED,),
            target=S.APPROVED,
            timestamp="decided_at",
            event="area_request.approved",
            label=_("批准调整扩区"),
            verb=_("批准"),
            needs_input=True,
            notify=_tell_filer("area_request_decided", gettext_noop("%(z)s 调整扩区申请已批准"), "decision_note"),
            style="primary",
            done=_("已批准，并已通知申请单位。"),
            summary="批准（省级已出具意见 → 已批准；须填写批准面积和批复意见）",
            permission="area_request.decide",
        ),
        Transition(
            "reject",
            sources=(S.ENDORSED,),
            target=S.REJECTED,
            timestamp="decided_at",
            event="area_request.rejected",
            label=_("不予批准"),
            verb=_("不予批准"),
            needs_input=True,
            notify=_tell_filer("area_request_decided", gettext_noop("%(z)s 调整扩区申请未获批准"), "decision_note"),
            style="outline-danger",
            done=_("已作出不予批准的决定，并已通知申请单位。"),
            summary="不予批准（省级已出具意见 → 未批准；须填写批复意见）",
            permission="area_request.decide",
        ),
    ],
    related=("zone__province", "created_by"),
    events={"area_request.created": _("新建调整扩区申请"), "area_request.updated": _("修改调整扩区申请")},
)
