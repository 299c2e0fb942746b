from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from nesta.core.permissions import Role, Scope


class ZonesConfig(AppConfig):
    name = "nesta.zones"
    label = "zones"
    verbose_name = _("高新区")

    def ready(self) -> None:
        from nesta.core.registry import registry
        from nesta.zones import lifecycles  # noqa: F401 — the lifecycle tables register their events
        from nesta.zones import models as m

        registry.permissions("zones", PERMISSIONS, public=PUBLIC)
        for model in (
            m.ZoneYear,
            m.ZoneTarget,
            m.PolicyDocument,
            m.PolicyTopic,
            m.PolicyOutput,
            m.AreaRequest,
            m.Incubator,
            m.Tenant,
            m.IncubatorReport,
            m.IncubatorScheme,
            m.IncubatorCriterion,
        ):
            registry.audit_model(model)
        for event, label in AUDIT_EVENTS.items():
            registry.audit_event(event, label)
        from nesta.zones.services.policy import policy_reindex
        from nesta.zones.services.policy_topics import topic_reindex

        registry.search_type("zone_policy", policy_reindex)
        registry.search_type("zone_policy_topic", topic_reindex)
        registry.nav_item("zones", _("高新区"), "zones:list", "/zones/", order=80)


# The zones' published figures, the policy register, the research topics and the incubators'
# directory are public (the State Council's zones report the same figures in their yearbooks).
PUBLIC = {"zone.view", "policy.view", "incubator.view"}

_OPERATOR = {Role.OFFICE: Scope.ALL, Role.PROVINCE: Scope.PROVINCE}
# The zone's management committee (管委会), or an incubator's operator: the organisation's people.
_OWN_PEOPLE = {Role.ORG_ADMIN: Scope.ORGANIZATION, Role.MEMBER: Scope.ORGANIZATION}

PERMISSIONS: dict[str, dict[str, str]] = {
    # a zone's annual figures (target: the zone organisation and its province)
    "zone_year.fill": {**_OPERATOR, Role.ORG_ADMIN: Scope.ORGANIZATION},
    "zone_target.manage": {Role.OFFICE: Scope.ALL},  # 二次创业目标
    # policy documents: the office the national ones, a province its own and its zones'
    "policy.manage": dict(_OPERATOR),
    "policy_topic.manage": {Role.OFFICE: Scope.ALL},
    # area requests: the zone asks, its province gives an opinion, the office decides
    "area_request.file": {Role.ORG_ADMIN: Scope.ORGANIZATION},
    "area_request.view": {**_OPERATOR, **_OWN_PEOPLE},
    "area_request.endorse": {Role.PROVINCE: Scope.PROVINCE},
    "area_request.decide": {Role.OFFICE: Scope.ALL},
    # incubators (target: the incubator organisation and its province)
    "incubator.manage": dict(_OPERATOR),  # register an incubator, its kind, zone, level
    "tenant.manage": {**_OPERATOR, **_OWN_PEOPLE},
    "incubator_report.fill": dict(_OWN_PEOPLE),
    "incubator_report.view": {**_OPERATOR, **_OWN_PEOPLE},
    "incubator_report.check": dict(_OPERATOR),
    "incubator_report.accept": {Role.OFFICE: Scope.ALL},
    "incubator_evaluation.manage": {Role.OFFICE: Scope.ALL},
    "incubator_evaluation.view": dict(_OPERATOR),
}

# Named audit events other than the lifecycle tables' own (lifecycles/).
AUDIT_EVENTS = {
    "zone_year.created": _("填报高新区年度指标"),
    "zone_year.updated": _("修改高新区年度指标"),
    "zone_target.set": _("设定二次创业目标"),
    "zone_target.removed": _("删除二次创业目标"),
    "policy.created": _("登记政策文件"),
    "policy.updated": _("修改政策文件"),
    "policy_topic.created": _("新建政策研究课题"),
    "policy_topic.updated": _("修改政策研究课题"),
    "policy_output.created": _("登记研究成果"),
    "incubator.created": _("登记孵化器"),
    "incubator.updated": _("修改孵化器"),
    "tenant.created": _("登记在孵企业"),
    "tenant.updated": _("修改在孵企业"),
    "tenant.graduated": _("在孵企业毕业"),
    "tenant.left": _("在孵企业退出"),
    "incubator_scheme.created": _("新建孵化器评估方案"),
    "incubator_scheme.updated": _("修改孵化器评估方案"),
    "incubator_evaluation.run": _("运行孵化器评估"),
}
