from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from nesta.core.permissions import Role, Scope


class BasesConfig(AppConfig):
    name = "nesta.bases"
    label = "bases"
    verbose_name = _("创新基地")

    def ready(self) -> None:
        from nesta.bases import lifecycles  # noqa: F401 — the lifecycle tables register their events
        from nesta.bases import models as m
        from nesta.core.registry import registry

        registry.permissions("bases", PERMISSIONS, public=PUBLIC)
        for model in (m.Base, m.BaseStatusChange, m.BaseReport, m.EvaluationScheme, m.SchemeCriterion):
            registry.audit_model(model)
        for event, label in AUDIT_EVENTS.items():
            registry.audit_event(event, label)
        registry.nav_item("bases", _("创新基地"), "bases:list", "/bases/", order=75)


# Which bases exist, where, in what field and with what status is public (as the directory is).
PUBLIC = {"base.view"}

_OPERATOR = {Role.OFFICE: Scope.ALL, Role.PROVINCE: Scope.PROVINCE}
_HOST_PEOPLE = {Role.ORG_ADMIN: Scope.ORGANIZATION, Role.MEMBER: Scope.ORGANIZATION}

# Target of a base and of its reports: the host organisation (依托单位) and its province.
PERMISSIONS: dict[str, dict[str, str]] = {
    "base.manage": dict(_OPERATOR),  # register a base, change its level, field, director, status
    "base_report.fill": dict(_HOST_PEOPLE),  # fill in, import and submit the host's bases' reports
    "base_report.view": {**_OPERATOR, **_HOST_PEOPLE},
    "base_report.check": dict(_OPERATOR),  # 省级审核 (or return with reasons)
    "base_report.accept": {Role.OFFICE: Scope.ALL},  # 采纳 (or send back)
    "evaluation.manage": {Role.OFFICE: Scope.ALL},  # schemes and runs
    "evaluation.view": dict(_OPERATOR),  # results and their reasons
}

# Named audit events other than the lifecycle tables' own (lifecycles/).
AUDIT_EVENTS = {
    "base_report.imported": _("导入年度报告"),
    "evaluation_scheme.created": _("新建评估方案"),
    "evaluation_scheme.updated": _("修改评估方案"),
    "evaluation.run": _("运行基地评估"),
}
