from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from nesta.core.permissions import Role, Scope


class ProgrammesConfig(AppConfig):
    name = "nesta.programmes"
    label = "programmes"
    verbose_name = _("计划与经费")

    def ready(self) -> None:
        from nesta.core.registry import registry
        from nesta.programmes import models as m
        from nesta.programmes import wiring
        from nesta.programmes.reference import load_programmes_reference
        from nesta.programmes.selectors.funding import home_funding

        registry.permissions("programmes", PERMISSIONS, public=PUBLIC)
        for model in (
            m.Programme,
            m.FundingPlanLine,
            m.Call,
            m.Application,
            m.Assignment,
            m.Review,
            m.SelectionRun,
            m.Project,
            m.Milestone,
            m.MilestoneReport,
            m.Payment,
            m.SubsidyFund,
            m.SubsidisedLoan,
            m.InterestStatement,
            m.SubsidyInstalment,
        ):
            registry.audit_model(model)
        for event, label in AUDIT_EVENTS.items():
            registry.audit_event(event, label)
        registry.reference_loader("programmes, funding plan", load_programmes_reference, order=30)
        # 四.2 经费保障, beside the priority areas
        registry.home_section("funding", "programmes/_home_funding.html", home_funding, order=10, slot="aside")
        # Each part plugs the rest in itself (search types, jobs, demo, periodic jobs…).
        wiring.register_all(registry)


# Anyone may read the published calls and the programmes.
PUBLIC = {"call.view"}

_ORG_PEOPLE = {
    Role.ORG_ADMIN: Scope.ORGANIZATION,
    Role.MEMBER: Scope.ORGANIZATION,
    Role.INSTRUMENT_MANAGER: Scope.ORGANIZATION,
}
_OFFICE = {Role.OFFICE: Scope.ALL}
_OPERATOR = {Role.OFFICE: Scope.ALL, Role.PROVINCE: Scope.PROVINCE}
_FINANCE = {Role.OFFICE: Scope.ALL, Role.FINANCE: Scope.ALL}

# The programmes' rows of the role × scope policy. Targets: a call → the province that runs it
# (none for the office's national calls); an application, project or loan → its province and the
# applicant organisation; a review seat → the application's province and the expert's user.
PERMISSIONS: dict[str, dict[str, str]] = {
    # programmes, the funding plan and its budget lines
    "programme.manage": dict(_OFFICE),
    "budget.view": {**_OPERATOR, Role.FINANCE: Scope.ALL},
    # calls
    "call.manage": dict(_OPERATOR),
    "call.view_draft": dict(_OPERATOR),
    # applications: the applicant organisation's people fill in, submit and withdraw
    "application.create": dict(_ORG_PEOPLE),
    "application.change": dict(_ORG_PEOPLE),
    "application.view": {**_OPERATOR, **_ORG_PEOPLE, Role.FINANCE: Scope.ALL},
    "application.recommend": dict(_OPERATOR),  # 省级推荐
    "application.check": dict(_OFFICE),  # 形式审查
    "application.decide": dict(_OFFICE),  # 立项决定
    # review: the office assigns, sees conflicts and scores; an expert acts on their own seats
    "review.manage": dict(_OPERATOR),
    "review.submit": {Role.EXPERT: Scope.SELF},
    "conflict.declare": {Role.EXPERT: Scope.SELF},
    # after the award
    "project.manage": dict(_OPERATOR),
    "project.report": dict(_ORG_PEOPLE),
    "payment.record": dict(_FINANCE),
    # interest subsidies
    "subsidy.manage": dict(_OPERATOR),
    "subsidy.submit": dict(_ORG_PEOPLE),
    "subsidy.pay": dict(_FINANCE),
}

# Named audit events other than the lifecycle tables' own.
AUDIT_EVENTS = {
    "programme.created": _("新增科技计划"),
    "programme.updated": _("修改科技计划"),
    "budget_line.created": _("新增预算额度"),
    "budget_line.updated": _("修改预算额度"),
    "call.created": _("新建申报指南"),
    "call.updated": _("修改申报指南"),
    "application.created": _("新建项目申请"),
    "application.updated": _("修改项目申请"),
    "application.attachment_added": _("上传申报附件"),
    "application.attachment_removed": _("删除申报附件"),
    "application.avoid_requested": _("申请回避专家"),
    "conflict.declared": _("声明利益冲突"),
    "assignment.created": _("分配评审专家"),
    "assignment.swapped": _("调换评审专家"),
    "assignment.accepted": _("接受评审邀请"),
    "assignment.declined": _("谢绝评审邀请"),
    "review.submitted": _("提交评审意见"),
    "selection.run": _("立项遴选测算"),
    "selection.confirmed": _("确认立项名单"),
    "project.contract_signed": _("签订任务书"),
    "project.mid_term": _("中期检查"),
    "milestone.reported": _("提交节点报告"),
    "milestone.report_reviewed": _("审核节点报告"),
    "payment.recorded": _("登记拨款"),
    "acceptance.decided": _("结题验收结论"),
    "subsidy_fund.created": _("新建贴息资金"),
    "subsidy_loan.created": _("登记贴息贷款项目"),
    "subsidy_statement.submitted": _("提交银行付息凭证"),
    "subsidy_statement.decided": _("核定贴息"),
    "subsidy_instalment.paid": _("拨付贴息"),
}
