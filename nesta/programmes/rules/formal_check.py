"""The office's formal check (形式审查): the checklist items, code → label."""

from django.utils.translation import gettext_lazy as _

CHECKLIST: dict[str, str] = {
    "eligibility": _("申报单位资格"),
    "scope": _("符合指南支持方向"),
    "budget": _("预算合规"),
    "attachments": _("附件齐全"),
    "commitment": _("承诺书"),
    "no_duplicate": _("无重复申报"),
}
