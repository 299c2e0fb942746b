from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from nesta.core.permissions import Role, Scope


class DirectoryConfig(AppConfig):
    name = "nesta.directory"
    label = "directory"
    verbose_name = _("机构与人员名录")

    def ready(self) -> None:
        from nesta.core.registry import registry
        from nesta.directory.models import Organization, Person
        from nesta.directory.reference import load_directory_reference
        from nesta.directory.selectors import home_summary
        from nesta.directory.services import directory_reindex

        registry.permissions("directory", PERMISSIONS, public={"organization.view", "person.view"})
        registry.reference_loader("high-tech zones", load_directory_reference, order=20)
        # one re-indexer for both document types (organisation, person)
        registry.search_type("directory", directory_reindex)
        registry.audit_model(Organization)
        registry.audit_model(Person, fields={"expert": _("专家信息"), "affiliations": _("任职经历")})
        for event, label in AUDIT_EVENTS.items():
            registry.audit_event(event, label)
        registry.nav_item(
            "organizations", _("机构名录"), "directory:organization_list", "/directory/organizations/", order=20
        )
        registry.nav_item("people", _("专家与人员"), "directory:person_list", "/directory/people/", order=30)
        registry.home_section("directory.totals", "directory/_home_totals.html", home_summary, order=10, slot="hero")
        registry.home_section("directory.zones", "directory/_home_zones.html", home_summary, order=10)
        registry.home_section("directory.kinds", "directory/_home_kinds.html", home_summary, order=20)


# The directory's named audit events and their labels.
AUDIT_EVENTS = {
    "organization.created": _("新建机构"),
    "organization.updated": _("修改机构"),
    "person.created": _("新建人员"),
    "person.updated": _("修改人员"),
}

# The directory's rows of the role × scope policy (core composes every app's rows).
PERMISSIONS: dict[str, dict[str, str]] = {
    "organization.create": {Role.OFFICE: Scope.ALL, Role.PROVINCE: Scope.PROVINCE},
    "organization.change": {
        Role.OFFICE: Scope.ALL,
        Role.PROVINCE: Scope.PROVINCE,
        Role.ORG_ADMIN: Scope.ORGANIZATION,
    },
    "person.create": {
        Role.OFFICE: Scope.ALL,
        Role.PROVINCE: Scope.PROVINCE,
        Role.ORG_ADMIN: Scope.ORGANIZATION,
    },
    "person.change": {
        Role.OFFICE: Scope.ALL,
        Role.PROVINCE: Scope.PROVINCE,
        Role.ORG_ADMIN: Scope.ORGANIZATION,
        Role.EXPERT: Scope.SELF,
        Role.MEMBER: Scope.SELF,
        Role.INSTRUMENT_MANAGER: Scope.SELF,
    },
    # Phone and e-mail of people are personal data: not for the public or other organisations.
    "person.view_contact": {
        Role.OFFICE: Scope.ALL,
        Role.PROVINCE: Scope.PROVINCE,
        Role.ORG_ADMIN: Scope.ORGANIZATION,
        Role.EXPERT: Scope.SELF,
        Role.MEMBER: Scope.SELF,
        Role.INSTRUMENT_MANAGER: Scope.SELF,
    },
}
