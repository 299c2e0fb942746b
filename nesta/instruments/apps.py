from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from nesta.core.permissions import EVERY_ROLE, Role, Scope


class InstrumentsConfig(AppConfig):
    name = "nesta.instruments"
    label = "instruments"
    verbose_name = _("大型科学仪器协作共用")

    def ready(self) -> None:
        from nesta.core.registry import registry
        from nesta.core.search import engine
        from nesta.instruments import models as m
        from nesta.instruments import tasks
        from nesta.instruments.reference import load_instruments_reference
        from nesta.instruments.services.indexing import instruments_reindex, reindex_owner_instruments
        from nesta.instruments.services.tick import instruments_tick
        from nesta.instruments.services.waitlist import waitlist_tick

        engine.register_dependent("organization", reindex_owner_instruments)
        registry.permissions("instruments", PERMISSIONS, public={"instrument.view", "openness.view"})
        registry.reference_loader("instrument categories", load_instruments_reference, order=40)
        registry.search_type("instrument", instruments_reindex)
        policy_fields = {
            f"policy.{f.name}": f.verbose_name
            for f in m.BookingPolicy._meta.concrete_fields
            if f.name not in {"id", "instrument"}
        }
        registry.audit_model(m.Instrument, fields=policy_fields)
        for model in (
            m.Blackout,
            m.Qualification,
            m.Booking,
            m.UsageSession,
            m.ServiceItem,
            m.TestOrder,
            m.Charge,
            m.PayerAccount,
            m.WaitlistEntry,
            m.TrainingRequest,
            m.ProblemReport,
        ):
            registry.audit_model(model)
        # Bookings' and testing orders' events come with their lifecycle tables (lifecycles/).
        for event, label in AUDIT_EVENTS.items():
            registry.audit_event(event, label)
        registry.nav_item("instruments", _("仪器共享"), "instruments:list", "/instruments/", order=40)
        registry.nav_item(
            "openness", _("开放共享评价"), "instruments:openness_ranking", "/instruments/openness/", order=50
        )
        registry.periodic_job("instruments.tick", instruments_tick, every_seconds=300)
        registry.periodic_job("instruments.waitlist", waitlist_tick, every_seconds=60)
        registry.job_kind(
            tasks.IMPORT_KIND,
            tasks.run_import_job,
            label=_("导入仪器"),
            result_template="instruments/reports/_import_job_result.html",
        )
        registry.job_kind(tasks.EXPORT_KIND, tasks.run_export_job, label=_("导出仪器清单"))


# The registry's, the fees' and the usage records' named audit events and their labels.
AUDIT_EVENTS = {
    "instrument.created": _("登记仪器"),
    "instrument.updated": _("修改仪器"),
    "blackout.added": _("新增停机时段"),
    "blackout.removed": _("取消停机时段"),
    "qualification.granted": _("授予上机资格"),
    "qualification.renewed": _("更新上机资格"),
    "qualification.revoked": _("撤销上机资格"),
    "usage.recorded": _("登记使用记录"),
    "charge.created": _("计费"),
    "charges.posted": _("批量计费"),
    # issue 8: payer accounts (services/payers.py)
    "payer_account.created": _("新增经费账户"),
    "payer_account.updated": _("修改经费账户"),
    "payer_account.deactivated": _("停用经费账户"),
    "payer_account.reactivated": _("重新启用经费账户"),
    # issue 8: shutdowns and recurring maintenance (problem reports' events: lifecycles/problems.py)
    "shutdown.started": _("故障停机"),
    "shutdown.ended": _("提前结束停机"),
    "shutdown.called_off": _("取消停机安排"),
    "booking.flagged": _("预约受停机影响"),
    "booking.unflagged": _("预约恢复正常"),
    "maintenance.scheduled": _("安排定期维护"),
    "maintenance.removed": _("取消定期维护"),
}

# The instrument network's rows of the role × scope policy (三.1 科技条件平台).
PERMISSIONS: dict[str, dict[str, str]] = {
    "instrument.create": {Role.OFFICE: Scope.ALL, Role.PROVINCE: Scope.PROVINCE, Role.ORG_ADMIN: Scope.ORGANIZATION},
    "instrument.change": {
        Role.OFFICE: Scope.ALL,
        Role.PROVINCE: Scope.PROVINCE,
        Role.ORG_ADMIN: Scope.ORGANIZATION,
        Role.INSTRUMENT_MANAGER: Scope.ORGANIZATION,
    },
    # Rules, blackouts, training, approvals, usage records, quotes: the owner's staff.
    "instrument.manage": {
        Role.OFFICE: Scope.ALL,
        Role.ORG_ADMIN: Scope.ORGANIZATION,
        Role.INSTRUMENT_MANAGER: Scope.ORGANIZATION,
    },
    "booking.create": dict(EVERY_ROLE),
    "booking.view": {
        Role.OFFICE: Scope.ALL,
        Role.PROVINCE: Scope.PROVINCE,
        Role.ORG_ADMIN: Scope.ORGANIZATION,
        Role.INSTRUMENT_MANAGER: Scope.ORGANIZATION,
        Role.EXPERT: Scope.SELF,
        Role.MEMBER: Scope.SELF,
    },
    "booking.cancel": {
        Role.OFFICE: Scope.ALL,
        Role.ORG_ADMIN: Scope.ORGANIZATION,
        Role.INSTRUMENT_MANAGER: Scope.ORGANIZATION,
        Role.EXPERT: Scope.SELF,
        Role.MEMBER: Scope.SELF,
        Role.PROVINCE: Scope.SELF,
    },
    "testorder.create": dict(EVERY_ROLE),
    # A testing order's customer side: the customer (target user) confirms or cancels their own order;
    # the order and its report are seen by the customer, their organisation's admin and the office
    # (the instrument's side sees them through instrument.manage).
    "testorder.own": {role: Scope.SELF for role in Role.values},
    "testorder.view": {
        Role.OFFICE: Scope.ALL,
        Role.ORG_ADMIN: Scope.ORGANIZATION,
        Role.PROVINCE: Scope.SELF,
        Role.INSTRUMENT_MANAGER: Scope.SELF,
        Role.EXPERT: Scope.SELF,
        Role.MEMBER: Scope.SELF,
    },
    # A customer's organisation statement: its admin, the province, the office.
    "fees.view": {Role.OFFICE: Scope.ALL, Role.PROVINCE: Scope.PROVINCE, Role.ORG_ADMIN: Scope.ORGANIZATION},
    # --- issue 8 -----------------------------------------------------------------------------
    # Moving or resizing a booking: its booker (SELF) or the instrument's staff (checked on the
    # instrument via instrument.manage in the service); booking for someone else is staff only.
    "booking.move": {
        Role.OFFICE: Scope.ALL,
        Role.ORG_ADMIN: Scope.ORGANIZATION,
        Role.INSTRUMENT_MANAGER: Scope.ORGANIZATION,
        Role.EXPERT: Scope.SELF,
        Role.MEMBER: Scope.SELF,
        Role.PROVINCE: Scope.SELF,
    },
    "booking.on_behalf": {
        Role.OFFICE: Scope.ALL,
        Role.ORG_ADMIN: Scope.ORGANIZATION,
        Role.INSTRUMENT_MANAGER: Scope.ORGANIZATION,
    },
    # Anyone signed in may queue for a slot, ask for training, report a fault of an instrument
    # they used; shutdowns and the answers are the instrument's staff (instrument.manage).
    "waitlist.join": dict(EVERY_ROLE),
    "training.request": dict(EVERY_ROLE),
    "problem.report": dict(EVERY_ROLE),
    # Payer accounts: the organisation's admin manages them (the office everywhere); members of
    # the organisation use them (checked in the service: same organisation, active, valid).
    "account.manage": {Role.OFFICE: Scope.ALL, Role.ORG_ADMIN: Scope.ORGANIZATION},
    "account.view": {
        Role.OFFICE: Scope.ALL,
        Role.PROVINCE: Scope.PROVINCE,
        Role.ORG_ADMIN: Scope.ORGANIZATION,
        Role.INSTRUMENT_MANAGER: Scope.SELF,
        Role.EXPERT: Scope.SELF,
        Role.MEMBER: Scope.SELF,
    },
}
