"""Web pages of the directory: organisations, high-tech zones, people and experts.

Thin by design: reads go through directory.selectors, writes through directory.services (which
check permissions, validate and audit); the views only shape requests and responses."""

import re
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from nesta.core.errors import Conflict, ValidationFailed
from nesta.core.models import Region
from nesta.core.permissions import can
from nesta.core.selectors import audit_list
from nesta.core.templatetags.nesta import loc
from nesta.core.views import domain_errors, login_required_or_redirect, render_page_or_partial
from nesta.directory import selectors, services
from nesta.directory.forms import (
    AffiliationFormSet,
    OrganizationFilterForm,
    OrganizationForm,
    PersonFilterForm,
    PersonForm,
    affiliation_initial,
    affiliations_data,
    apply_service_errors,
    city_choices,
)
from nesta.directory.models import Organization, OrganizationKind

PAGE_SIZE = 20


def _facet_rows(facets: dict[str, dict[str, int]]) -> dict[str, list[dict[str, Any]]]:
    """Facet counts with their labels: regions by name, kinds by their display label."""
    if not facets:
        return {}
    codes = set(facets.get("province", {})) | set(facets.get("city", {}))
    regions = {r.code: r for r in Region.objects.filter(code__in=codes)}
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


# --- organisations ---------------------------------------------------------------------------


@require_GET
@domain_errors
def organization_list(request: HttpRequest) -> HttpResponse:
    form = OrganizationFilterForm(request.GET or None)
    filters = form.filters()
    searching = bool(filters.q)
    page = selectors.organization_list(
        filters=filters, cursor=request.GET.get("cursor") or None, limit=PAGE_SIZE, with_facets=searching
    )
    context = {
        "form": form,
        "filters": filters,
        "page": page,
        "facets": _facet_rows(page.facets) if searching else {},
        "searching": searching,
        "paged": bool(request.GET.get("cursor")),
        "may_create": can(request.user, "organization.create"),
    }
    return render_page_or_partial(
        request, "directory/organization_list.html", "directory/_organization_results.html", context
    )


@require_GET
def organization_detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = selectors.organization_get(pk=pk)
    if org is None:
        raise Http404(_("未找到该机构。"))
    members: list[Organization] = []
    member_total = 0
    if org.kind == OrganizationKind.HIGH_TECH_ZONE:
        members = selectors.zone_members(zone=org, limit=100)
        member_total = Organization.objects.filter(zone=org).count()
    people = selectors.person_list(filters=selectors.PersonFilters(organization=org.pk), limit=PAGE_SIZE)
    audit_entries = None
    if can(request.user, "audit.view"):
        audit_entries = audit_list(
            user=request.user, object_type="directory.organization", object_id=str(org.pk), limit=20
        ).items
    context = {
        "org": org,
        "members": members,
        "member_total": member_total,
        "people": people,
        "may_edit": can(request.user, "organization.change", org),
        "may_add_person": can(request.user, "person.create", org),
        "audit_entries": audit_entries,
    }
    return render(request, "directory/organization_detail.html", context)


def _default_province(user: Any) -> str:
    from nesta.core.permissions import grants_of

    provinces = {g.province_code for g in grants_of(user) if g.province_code}
    return provinces.pop() if len(provinces) == 1 else ""


def _save_organization(request: HttpRequest, form: OrganizationForm, org: Organization | None) -> HttpResponse | None:
    """Run the service; on success redirect, on a domain error put it on the form and return None."""
    try:
        if org is None:
            saved = services.organization_create(actor=request.user, data=form.to_data())
            messages.success(request, _("已创建机构“%(name)s”。") % {"name": saved.name})
        else:
            saved = services.organization_update(actor=request.user, organization=org, data=form.to_data())
            messages.success(request, _("已保存对“%(name)s”的修改。") % {"name": saved.name})
    except ValidationFailed as exc:
        apply_service_errors(form, exc.details)
        return None
    except Conflict as exc:
        form.add_error("uscc" if exc.code == "duplicate_uscc" else None, str(exc.message))
        return None
    return redirect("directory:organization_detail", pk=saved.pk)


@require_http_methods(["GET", "POST"])
@login_required_or_redirect
@domain_errors
def organization_create(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "organization.create"):
        raise DjangoPermissionDenied(_("您没有新建机构的权限。"))
    if request.method == "POST":
        form = OrganizationForm(request.POST)
        if form.is_valid():
            response = _save_organization(request, form, None)
            if response is not None:
                return response
    else:
        form = OrganizationForm(initial={"province": _default_province(request.user), "is_active": True})
    return render(request, "directory/organization_form.html", {"form": form, "org": None})


@require_http_methods(["GET", "POST"])
@login_required_or_redirect
@domain_errors
def organization_edit(request: HttpRequest, pk: int) -> HttpResponse:
    org = selectors.organization_get(pk=pk)
    if org is None:
        raise Http404(_("未找到该机构。"))
    if not can(request.user, "organization.change", org):
        raise DjangoPermissionDenied(_("您没有修改该机构的权限。"))
    if request.method == "POST":
        form = OrganizationForm(request.POST, instance=org)
        if form.is_valid():
            response = _save_organization(request, form, org)
            if response is not None:
                return response
    else:
        form = OrganizationForm(instance=org)
    return render(request, "directory/organization_form.html", {"form": form, "org": org})


@require_GET
def zone_list(request: HttpRequest) -> HttpResponse:
    zones = selectors.high_tech_zones()
    counts = dict(Organization.objects.filter(zone__in=zones).values_list("zone").annotate(n=Count("id")).order_by())
    for z in zones:
        z.member_count = counts.get(z.pk, 0)
    return render(request, "directory/zone_list.html", {"zones": zones})


@require_GET
def city_options(request: HttpRequest) -> HttpResponse:
    """<option>s of a province's cities, for the city select that follows the province select."""
    province = request.GET.get("province", "")
    blank = _("全部城市") if request.GET.get("blank") == "all" else _("请选择")
    valid = province if Region.objects.filter(code=province, level="province").exists() else ""
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


@require_GET
@domain_errors
def person_list(request: HttpRequest) -> HttpResponse:
    form = PersonFilterForm(request.GET or None)
    filters = form.filters()
    page = selectors.person_list(filters=filters, cursor=request.GET.get("cursor") or None, limit=PAGE_SIZE)
    context = {
        "form": form,
        "filters": filters,
        "page": page,
        "paged": bool(request.GET.get("cursor")),
        "may_create": can(request.user, "person.create"),
    }
    return render_page_or_partial(request, "directory/person_list.html", "directory/_person_results.html", context)


@require_GET
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_get(pk=pk)
    if person is None:
        raise Http404(_("未找到该人员。"))
    audit_entries = None
    if can(request.user, "audit.view"):
        audit_entries = audit_list(
            user=request.user, object_type="directory.person", object_id=str(person.pk), limit=20
        ).items
    context = {
        "person": person,
        "expert": getattr(person, "expert_profile", None),
        "show_contact": can(request.user, "person.view_contact", person),
        "may_edit": can(request.user, "person.change", person),
        "audit_entries": audit_entries,
    }
    return render(request, "directory/person_detail.html", context)


def _person_forms(request: HttpRequest, person: Any, initial: dict[str, Any] | None = None):
    if request.method == "POST":
        return PersonForm(request.POST, instance=person), AffiliationFormSet(request.POST, prefix="aff")
    form = PersonForm(instance=person, initial=initial) if initial is not None else PersonForm(instance=person)
    return form, AffiliationFormSet(initial=affiliation_initial(person), prefix="aff")


def _valid(form: PersonForm, formset: Any) -> bool:
    form_ok = form.is_valid()
    formset_ok = formset.is_valid()  # validate both, so both show their errors
    return form_ok and formset_ok


def _save_person(request: HttpRequest, form: PersonForm, formset: Any, person: Any) -> HttpResponse | None:
    data = form.to_data()
    rows, index = affiliations_data(formset)
    data["affiliations"] = rows
    try:
        if person is None:
            saved = services.person_create(actor=request.user, data=data)
            messages.success(request, _("已添加人员“%(name)s”。") % {"name": saved.name})
        else:
            saved = services.person_update(actor=request.user, person=person, data=data)
            messages.success(request, _("已保存对“%(name)s”的修改。") % {"name": saved.name})
    except ValidationFailed as exc:
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
        apply_service_errors(form, rest, aliases={f"expert.{k}": k for k in PersonForm.EXPERT_FIELDS})
        return None
    return redirect("directory:person_detail", pk=saved.pk)


@require_http_methods(["GET", "POST"])
@login_required_or_redirect
@domain_errors
def person_create(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "person.create"):
        raise DjangoPermissionDenied(_("您没有添加人员的权限。"))
    initial = {"is_available": True, "max_reviews_per_year": 20}
    org_id = request.GET.get("organization") or getattr(request.user, "organization_id", None)
    if org_id and str(org_id).isdigit():
        initial["organization"] = int(org_id)
    form, formset = _person_forms(request, None, initial)
    if request.method == "POST" and _valid(form, formset):
        response = _save_person(request, form, formset, None)
        if response is not None:
            return response
    return render(request, "directory/person_form.html", {"form": form, "formset": formset, "person": None})


@require_http_methods(["GET", "POST"])
@login_required_or_redirect
@domain_errors
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_get(pk=pk)
    if person is None:
        raise Http404(_("未找到该人员。"))
    if not can(request.user, "person.change", person):
        raise DjangoPermissionDenied(_("您没有修改该人员信息的权限。"))
    form, formset = _person_forms(request, person)
    if request.method == "POST" and _valid(form, formset):
        response = _save_person(request, form, formset, person)
        if response is not None:
            return response
    return render(request, "directory/person_form.html", {"form": form, "formset": formset, "person": person})
