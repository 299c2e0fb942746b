"""A base's status (core.lifecycle): 建设中 → 运行 ⇄ 整改, and 撤销 from any of them (final).

Every step is the office's or the base's province's (`base.manage`), says why (status_note, required
for 整改 and 撤销) and adds a row to the base's status history (BaseStatusChange) in the same
transaction as the change itself.
"""

from django.utils.translation import gettext_lazy as _

from nesta.bases.models import Base, BaseStatus
from nesta.core.lifecycle import Lifecycle, Transition

S = BaseStatus
_MANAGE = {"permission": "base.manage"}

BASE = Lifecycle(
    Base,
    [
        Transition(
            "start_operation",
            sources=(S.BUILDING,),
            target=S.OPERATING,
            event="base.operating",
            label=_("验收运行"),
            verb=_("转入运行"),
            style="primary",
            done=_("基地已转入运行。"),
            summary="验收运行（建设中 → 运行）",
            **_MANAGE,
        ),
        Transition(
            "rectify",
            sources=(S.OPERATING,),
            target=S.RECTIFYING,
            event="base.rectifying",
            label=_("限期整改"),
            verb=_("整改"),
            needs_input=True,
            style="outline-danger",
            done=_("基地已进入整改。"),
            summary="限期整改（运行 → 整改，须说明原因）",
            **_MANAGE,
        ),
        Transition(
            "restore",
            sources=(S.RECTIFYING,),
            target=S.OPERATING,
            event="base.restored",
            label=_("整改通过"),
            verb=_("恢复运行"),
            style="primary",
            done=_("整改通过，基地恢复运行。"),
            summary="整改通过（整改 → 运行）",
            **_MANAGE,
        ),
        Transition(
            "revoke",
            sources=(S.BUILDING, S.OPERATING, S.RECTIFYING),
            target=S.REVOKED,
            event="base.revoked",
            label=_("撤销基地"),
            verb=_("撤销"),
            needs_input=True,
            style="outline-danger",
            confirm=_("撤销后不能恢复，确定撤销该基地吗？"),
            done=_("基地已撤销。"),
            summary="撤销（须说明原因；不能恢复）",
            **_MANAGE,
        ),
    ],
    related=("host__province", "organization"),
    events={"base.created": _("登记创新基地"), "base.updated": _("修改创新基地")},
)
