from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from nesta.core.permissions import Role, Scope


class MarketConfig(AppConfig):
    name = "nesta.market"
    label = "market"
    verbose_name = _("技术市场")

    def ready(self) -> None:
        from nesta.core.registry import registry
        from nesta.market import models as m
        from nesta.market import wiring

        registry.permissions("market", PERMISSIONS, public=PUBLIC)
        for model in (
            m.Listing,
            m.Interest,
            m.BiddingRound,
            m.BidderRegistration,
            m.RegistrationPoint,
            m.TechContract,
            m.ThesaurusConcept,
        ):
            registry.audit_model(model)
        for event, label in AUDIT_EVENTS.items():
            registry.audit_event(event, label)
        registry.nav_item("market", _("技术市场"), "market:list", "/market/", order=60)
        # Each part of the market plugs the rest in itself (search type, jobs, demo, home…).
        wiring.register_all(registry)


# Anyone may read the public market: published listings, the public bid history of a closed
# round, a contract's verification page and the statistics summary.
PUBLIC = {"listing.view", "statistics.view"}

# Every role that belongs to an organisation acts for it on the market.
_ORG_PEOPLE = {
    Role.ORG_ADMIN: Scope.ORGANIZATION,
    Role.MEMBER: Scope.ORGANIZATION,
    Role.INSTRUMENT_MANAGER: Scope.ORGANIZATION,
}
_OPERATOR = {Role.OFFICE: Scope.ALL, Role.PROVINCE: Scope.PROVINCE}

# The market's rows of the role × scope policy. Targets: a listing → its province and owner
# organisation; a contract → its registration point's province and organisation.
PERMISSIONS: dict[str, dict[str, str]] = {
    # listings
    "listing.create": {**_OPERATOR, **_ORG_PEOPLE},
    "listing.change": {**_OPERATOR, **_ORG_PEOPLE},
    "listing.review": dict(_OPERATOR),
    "listing.view_unpublished": {**_OPERATOR, **_ORG_PEOPLE},
    "listing.view_contact": {**_OPERATOR, **_ORG_PEOPLE},
    "listing.import": {**_OPERATOR, Role.ORG_ADMIN: Scope.ORGANIZATION},
    # interest and negotiation: any signed-in person of an organisation may express interest
    # (target: their own organisation); the operator may read every thread of its area.
    "interest.create": dict(_ORG_PEOPLE) | {Role.OFFICE: Scope.ALL, Role.PROVINCE: Scope.PROVINCE},
    "thread.oversee": dict(_OPERATOR),
    # bidding is run by the operator; bidders register for their own organisation
    "bidding.manage": dict(_OPERATOR),
    "bidding.register": dict(_ORG_PEOPLE),
    # technology contracts: the seller's side submits; the registration point's staff decide
    "contract.submit": {**_OPERATOR, **_ORG_PEOPLE},
    "contract.decide": {**_OPERATOR, Role.ORG_ADMIN: Scope.ORGANIZATION, Role.MEMBER: Scope.ORGANIZATION},
    "contract.view": {**_OPERATOR, **_ORG_PEOPLE},
    "registration_point.manage": dict(_OPERATOR),
    # the thesaurus and the full statistics
    "thesaurus.manage": {Role.OFFICE: Scope.ALL, Role.PROVINCE: Scope.ALL},
    "statistics.export": dict(_OPERATOR),
}

# Named audit events of the market other than the lifecycle tables' own.
AUDIT_EVENTS = {
    "thesaurus.concept_created": _("新增词表概念"),
    "thesaurus.concept_updated": _("修改词表概念"),
    "thesaurus.concept_deleted": _("删除词表概念"),
    "registration_point.created": _("新增技术合同登记点"),
    "registration_point.updated": _("修改技术合同登记点"),
}
