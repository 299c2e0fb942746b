"""Web pages of the directory: organisations, high-tech zones, people and experts.

Each page is a generic view of nesta.core.generic with its few declared lines: reads through
directory.selectors, writes through directory.services (which check permissions, validate and
audit)."""

import re
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from nesta.core.errors import DomainError, ValidationFailed
from nesta.core.generic.base import put_error_details, put_service_errors
from nesta.core.generic.detail import DetailPage
from nesta.core.generic.form import FormPage
from nesta.core.generic.list import ListPage
from nesta.core.pagination import Page
from nesta.core.permissions import can, grants_of
from nesta.core.selectors import audit_list
from nesta.core.templatetags.nesta import loc
from nesta.core.validators import row_id
from nesta.directory import selectors, services
from nesta.directory.forms import (
    AffiliationFormSet,
    OrganizationFilterForm,
    OrganizationForm,
    PersonFilterForm,
    PersonForm,
    affiliation_initial,
    affiliations_data,
    city_choices,
)
from nesta.directory.models import Organization, OrganizationKind

PAGE_SIZE = 20


def _facet_rows(facets: dict[str, dict[str, int]]) -> dict[str, list[dict[str, Any]]]:
    """Facet counts with their labels: regions by name, kinds by their display label."""
    if not facets:
        return {}
    regions = selectors.regions_by_code(set(facets.get("province", {})) | set(facets.get("city", {})))
    kinds = dict(OrganizationKind.choices)
    rows: dict[str, list[dict[str, Any]]] = {}
    for key in ("province", "city", "kind"):
        counts = facets.get(key, {})
        items = []
        for value, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            label = kinds.get(value, value) if key == "kind" else loc(regions.get(value)) or value
            items.append({"value": value, "label": label, "count": n})
        rows[key] = items
    return rows


def _audit_entries(request: HttpRequest, object_type: str, pk: int) -> list[Any] | None:
    """The record's last changes, for those who may read the audit log."""
    if not can(request.user, "audit.view"):
        return None
    return audit_list(user=request.user, object_type=object_type, object_id=str(pk), limit=20).items


# --- organisations ---------------------------------------------------------------------------


class OrganizationList(ListPage):
    template_name = "directory/organization_list.html"
    partial_template = "directory/_organization_results.html"
    filter_form = OrganizationFilterForm
    page_size = PAGE_SIZE

    def get_page(self, request: HttpRequest, filters: Any, cursor: str | None, limit: int) -> Page[Any]:
        return selectors.organization_list(filters=filters, cursor=cursor, limit=limit, with_facets=bool(filters.q))

    def get_extra_context(self, request: HttpRequest, filters: Any, page: Page[Any]) -> dict[str, Any]:
        searching = bool(filters.q)
        return {
            "facets": _facet_rows(page.facets) if searching else {},
            "searching": searching,
            "may_create": can(request.user, "organization.create"),
        }


class OrganizationDetail(DetailPage):
    template_name = "directory/organization_detail.html"
    context_object_name = "org"
    not_found = gettext_lazy("未找到该机构。")

    def get_object(self, request: HttpRequest, pk: int) -> Any:
        return selectors.organization_get(pk=pk)

    def get_extra_context(self, request: HttpRequest, org: Any) -> dict[str, Any]:
        zone = org.kind == OrganizationKind.HIGH_TECH_ZONE
        return {
            "members": selectors.zone_members(zone=org, limit=100) if zone else [],
            "member_total": selectors.zone_member_count(zone=org) if zone else 0,
            "people": selectors.person_list(filters=selectors.PersonFilters(organization=org.pk), limit=PAGE_SIZE),
            "may_edit": can(request.user, "organization.change", org),
            "may_add_person": can(request.user, "person.create", org),
            "audit_entries": _audit_entries(request, "directory.organization", org.pk),
        }


class _OrganizationForm(FormPage):
    form_class = OrganizationForm
    template_name = "directory/organization_form.html"
    context_object_name = "org"
    not_found = gettext_lazy("未找到该机构。")
    error_aliases = {"duplicate_uscc": "uscc"}


class OrganizationCreate(_OrganizationForm):
    creating = True
    permission = "organization.create"
    permission_message = gettext_lazy("您没有新建机构的权限。")

    def get_initial(self, request: HttpRequest, obj: Any) -> dict[str, Any]:
        provinces = {g.province_code for g in grants_of(request.user) if g.province_code}
        return {"province": provinces.pop() if len(provinces) == 1 else "", "is_active": True}

    def save(self, request: HttpRequest, form: Any, obj: Any) -> Organization:
        return services.organization_create(actor=request.user, data=form.to_data())

    def success_message(self, saved: Organization) -> str:
        return _("已创建机构“%(name)s”。") % {"name": saved.name}


class OrganizationEdit(_OrganizationForm):
    permission = "organization.change"
    permission_message = gettext_lazy("您没有修改该机构的权限。")

    def get_object(self, request: HttpRequest, pk: int) -> Any:
        return selectors.organization_get(pk=pk)

    def save(self, request: HttpRequest, form: Any, org: Organization) -> Organization:
        return services.organization_update(actor=request.user, organization=org, data=form.to_data())

    def success_message(self, saved: Organization) -> str:
        return _("已保存对“%(name)s”的修改。") % {"name": saved.name}


@require_GET
def zone_list(request: HttpRequest) -> HttpResponse:
    return render(request, "directory/zone_list.html", {"zones": selectors.zones_with_member_counts()})


@require_GET
def city_options(request: HttpRequest) -> HttpResponse:
    """<option>s of a province's cities, for the city select that follows the province select."""
    province = request.GET.get("province", "")
    blank = _("全部城市") if request.GET.get("blank") == "all" else _("请选择")
    valid = province if selectors.is_province(province) else ""
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    for value, label in city_choices(blank, valid):
        if isinstance(label, list):
            groups.append((value, label))
        elif groups and not groups[-1][0]:
            groups[-1][1].append((value, label))
        else:
            groups.append(("", [(value, label)]))
    return render(request, "directory/_city_options.html", {"groups": groups, "selected": request.GET.get("city", "")})


@require_GET
def organization_options(request: HttpRequest) -> HttpResponse:
    """<option>s of organisations matching a search, for organisation pickers in forms."""
    q = (request.GET.get("org_q") or request.GET.get("q") or "").strip()
    orgs: list[Organization] = []
    if q:
        if re.fullmatch(r"\d+", q):
            orgs = [o for o in [selectors.organization_get(pk=int(q))] if o]
        else:
            orgs = selectors.organization_list(filters=selectors.OrganizationFilters(q=q), limit=20).items
    return render(request, "directory/_organization_options.html", {"orgs": orgs, "q": q})


# --- people ----------------------------------------------------------------------------------


class PersonList(ListPage):
    template_name = "directory/person_list.html"
    partial_template = "directory/_person_results.html"
    filter_form = PersonFilterForm
    page_size = PAGE_SIZE

    def get_page(self, request: HttpRequest, filters: Any, cursor: str | None, limit: int) -> Page[Any]:
        return selectors.person_list(filters=filters, cursor=cursor, limit=limit)

    def get_extra_context(self, request: HttpRequest, filters: Any, page: Page[Any]) -> dict[str, Any]:
        return {"may_create": can(request.user, "person.create")}


class PersonDetail(DetailPage):
    template_name = "directory/person_detail.html"
    context_object_name = "person"
    not_found = gettext_lazy("未找到该人员。")

    def get_object(self, request: HttpRequest, pk: int) -> Any:
        return selectors.person_get(pk=pk)

    def get_extra_context(self, request: HttpRequest, person: Any) -> dict[str, Any]:
        return {
            "expert": getattr(person, "expert_profile", None),
            "show_contact": can(request.user, "person.view_contact", person),
            "may_edit": can(request.user, "person.change", person),
            "audit_entries": _audit_entries(request, "directory.person", person.pk),
        }


class _PersonForm(FormPage):
    """The person with their affiliations (a formset): both validate, both show their errors."""

    template_name = "directory/person_form.html"
    context_object_name = "person"
    not_found = gettext_lazy("未找到该人员。")

    def get_form(self, request: HttpRequest, person: Any, data: Any = None) -> Any:
        if data is not None:
            return PersonForm(data, instance=person), AffiliationFormSet(data, prefix="aff")
        initial = self.get_initial(request, person)
        form = PersonForm(instance=person, initial=initial) if initial else PersonForm(instance=person)
        return form, AffiliationFormSet(initial=affiliation_initial(person), prefix="aff")

    def form_is_valid(self, forms: Any) -> bool:
        form_ok = forms[0].is_valid()
        formset_ok = forms[1].is_valid()  # validate both, so both show their errors
        return form_ok and formset_ok

    def context_forms(self, forms: Any) -> dict[str, Any]:
        return {"form": forms[0], "formset": forms[1]}

    def data(self, forms: Any) -> dict[str, Any]:
        form, formset = forms
        data = form.to_data()
        data["affiliations"], self._affiliation_index = affiliations_data(formset)
        return data

    def put_errors(self, forms: Any, exc: DomainError) -> None:
        """affiliations[i].field onto the i-th filled affiliation form, expert.* onto the form."""
        form, formset = forms
        if not isinstance(exc, ValidationFailed):
            put_service_errors(form, exc)
            return
        index = getattr(self, "_affiliation_index", [])
        rest = {}
        for key, msgs in (exc.details or {}).items():
            m = re.fullmatch(r"affiliations\[(\d+)\](?:\.(\w+))?", key)
            if m and int(m.group(1)) < len(index):
                target = formset.forms[index[int(m.group(1))]]
                field = m.group(2) if m.group(2) in target.fields else None
                for msg in msgs if isinstance(msgs, list) else [msgs]:
                    target.add_error(field, str(msg))
            else:
                rest[key] = msgs
        put_error_details(form, rest, aliases={f"expert.{k}": k for k in PersonForm.EXPERT_FIELDS})


class PersonCreate(_PersonForm):
    creating = True
    permission = "person.create"
    permission_message = gettext_lazy("您没有添加人员的权限。")

    def get_initial(self, request: HttpRequest, obj: Any) -> dict[str, Any]:
        initial: dict[str, Any] = {"is_available": True, "max_reviews_per_year": 20}
        org_id = request.GET.get("organization") or getattr(request.user, "organization_id", None)
        if row_id(org_id):
            initial["organization"] = row_id(org_id)
        return initial

    def save(self, request: HttpRequest, forms: Any, obj: Any) -> Any:
        return services.person_create(actor=request.user, data=self.data(forms))

    def success_message(self, saved: Any) -> str:
        return _("已添加人员“%(name)s”。") % {"name": saved.name}


class PersonEdit(_PersonForm):
    permission = "person.change"
    permission_message = gettext_lazy("您没有修改该人员信息的权限。")

    def get_object(self, request: HttpRequest, pk: int) -> Any:
        return selectors.person_get(pk=pk)

    def save(self, request: HttpRequest, forms: Any, person: Any) -> Any:
        return services.person_update(actor=request.user, person=person, data=self.data(forms))

    def success_message(self, saved: Any) -> str:
        return _("已保存对“%(name)s”的修改。") % {"name": saved.name}


organization_list = OrganizationList.as_view()
organization_detail = OrganizationDetail.as_view()
organization_create = OrganizationCreate.as_view()
organization_edit = OrganizationEdit.as_view()
person_list = PersonList.as_view()
person_detail = PersonDetail.as_view()
person_create = PersonCreate.as_view()
person_edit = PersonEdit.as_view()
