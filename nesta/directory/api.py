"""Organisations, people and experts over the API: thin wrappers over selectors and services."""

from django.http import HttpRequest
from ninja import Path, Query, Router, Schema
from ninja.responses import Status
from pydantic import Field

from nesta.core.api_auth import api_user, api_user_required
from nesta.core.errors import NotFound
from nesta.core.permissions import can
from nesta.core.schemas import ErrorOut
from nesta.directory import selectors, services
from nesta.directory.models import OrganizationKind
from nesta.directory.schemas import (
    ID_MAX,
    OrganizationIn,
    OrganizationOut,
    OrganizationPage,
    OrganizationPatch,
    PersonIn,
    PersonOut,
    PersonPage,
    PersonPatch,
    organization_out,
    person_out,
)

router = Router(tags=["directory"])
WRITE_ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class OrganizationQuery(Schema):
    q: str = Field("", max_length=200, description="中文全文检索（分词后按 BM25 排序）")
    kind: OrganizationKind | None = None
    province: str = Field("", max_length=6)
    city: str = Field("", max_length=6)
    field: str = Field("", max_length=60, description="重点领域代码")
    private_tech: bool | None = Field(None, description="仅民营科技企业")
    facets: bool = Field(False, description="检索时返回省份/城市/类型的分面计数与总数")
    cursor: str | None = Field(None, max_length=200)
    limit: int = Field(20, ge=1, le=100)


@router.get(
    "/organizations",
    response={200: OrganizationPage, 400: ErrorOut, 422: ErrorOut},
    summary="机构名录：检索、筛选、游标分页",
)
def list_organizations(request: HttpRequest, query: Query[OrganizationQuery]):
    api_user(request)  # a bad token is refused even where anonymous reading is allowed
    page = selectors.organization_list(
        filters=selectors.OrganizationFilters(
            q=query.q,
            kind=query.kind.value if query.kind else "",
            province=query.province,
            city=query.city,
            field=query.field,
            private_tech=query.private_tech,
        ),
        cursor=query.cursor,
        limit=query.limit,
        with_facets=query.facets,
    )
    return {
        "items": [organization_out(o) for o in page.items],
        "next_cursor": page.next_cursor,
        "total": page.total,
        "facets": page.facets,
    }


@router.post("/organizations", response={201: OrganizationOut, 400: ErrorOut, **WRITE_ERRORS}, summary="新建机构")
def create_organization(request: HttpRequest, payload: OrganizationIn):
    user = api_user_required(request)
    org = services.organization_create(actor=user, data=payload.model_dump(exclude_unset=True, mode="json"))
    return Status(201, organization_out(selectors.organization_get(pk=org.pk)))


def _get_org(pk: int):
    org = selectors.organization_get(pk=pk)
    if org is None:
        raise NotFound()
    return org


@router.get("/organizations/{org_id}", response={200: OrganizationOut, 404: ErrorOut}, summary="机构详情")
def get_organization(request: HttpRequest, org_id: int = Path(..., ge=1, le=ID_MAX)):
    api_user(request)
    return organization_out(_get_org(org_id))


@router.patch(
    "/organizations/{org_id}", response={200: OrganizationOut, 400: ErrorOut, **WRITE_ERRORS}, summary="修改机构"
)
def update_organization(request: HttpRequest, payload: OrganizationPatch, org_id: int = Path(..., ge=1, le=ID_MAX)):
    user = api_user_required(request)
    org = _get_org(org_id)
    services.organization_update(actor=user, organization=org, data=payload.model_dump(exclude_unset=True, mode="json"))
    return organization_out(_get_org(org_id))


class PersonQuery(Schema):
    q: str = Field("", max_length=200)
    province: str = Field("", max_length=6)
    field: str = Field("", max_length=60)
    organization: int | None = Field(None, ge=1, le=ID_MAX)
    experts_only: bool = False
    cursor: str | None = Field(None, max_length=200)
    limit: int = Field(20, ge=1, le=100)


def _show_contact(request: HttpRequest, person) -> bool:
    return can(api_user(request), "person.view_contact", person)


@router.get("/people", response={200: PersonPage, 400: ErrorOut, 422: ErrorOut}, summary="人员与专家名录")
def list_people(request: HttpRequest, query: Query[PersonQuery]):
    api_user(request)
    page = selectors.person_list(
        filters=selectors.PersonFilters(
            q=query.q,
            province=query.province,
            field=query.field,
            organization=query.organization,
            experts_only=query.experts_only,
        ),
        cursor=query.cursor,
        limit=query.limit,
    )
    return {
        "items": [person_out(p, show_contact=_show_contact(request, p)) for p in page.items],
        "next_cursor": page.next_cursor,
    }


def _get_person(pk: int):
    person = selectors.person_get(pk=pk)
    if person is None:
        raise NotFound()
    return person


@router.post("/people", response={201: PersonOut, 400: ErrorOut, **WRITE_ERRORS}, summary="新建人员/专家")
def create_person(request: HttpRequest, payload: PersonIn):
    user = api_user_required(request)
    person = services.person_create(actor=user, data=payload.model_dump(exclude_unset=True, mode="json"))
    return Status(201, person_out(_get_person(person.pk), show_contact=True))


@router.get("/people/{person_id}", response={200: PersonOut, 404: ErrorOut}, summary="人员详情")
def get_person(request: HttpRequest, person_id: int = Path(..., ge=1, le=ID_MAX)):
    person = _get_person(person_id)
    return person_out(person, show_contact=_show_contact(request, person))


@router.patch("/people/{person_id}", response={200: PersonOut, 400: ErrorOut, **WRITE_ERRORS}, summary="修改人员/专家")
def update_person(request: HttpRequest, payload: PersonPatch, person_id: int = Path(..., ge=1, le=ID_MAX)):
    user = api_user_required(request)
    services.person_update(
        actor=user, person=_get_person(person_id), data=payload.model_dump(exclude_unset=True, mode="json")
    )
    person = _get_person(person_id)
    return person_out(person, show_contact=_show_contact(request, person))
