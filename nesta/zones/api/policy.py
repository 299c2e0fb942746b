"""The policy register and the research topics over the API. Reads are public (policy.view);
documents are written by the office and the provinces, topics and their outputs by the office.
Thin: each endpoint calls one service or selector."""

from typing import Any

from django.http import HttpRequest
from ninja import File, Path, Query, Router, UploadedFile
from ninja.responses import Status

from nesta.core.api_auth import api_user, api_user_required
from nesta.core.generic.download import file_download
from nesta.core.schemas import ErrorOut
from nesta.zones.schemas import policy as s
from nesta.zones.selectors import policy as reads
from nesta.zones.selectors.policy import CONTENT_TYPES
from nesta.zones.services import policy as services
from nesta.zones.services import policy_topics as topics

router = Router(tags=["zones"])
ID_MAX = s.ID_MAX
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 503: ErrorOut}
READ_ERRORS = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _detail(document_id: int) -> dict[str, Any]:
    document = reads.policy_get(document_id=document_id)
    return s.policy_out(document, detail=True, origins=reads.policy_origins(document=document))


@router.get(
    "/zone-policies",
    response={200: s.ZonePolicyPageOut, **READ_ERRORS},
    summary="高新区政策文件库：全文检索（标题、文号、发文机关、要点、正文），按范围、省份、高新区、发文机关、年份筛选",
)
def list_policies(request: HttpRequest, query: Query[s.ZonePolicyQuery]):
    api_user(request)
    filters = reads.PolicyFilters(
        q=query.q,
        scope=query.scope.value if query.scope else "",
        province=query.province or "",
        zone=query.zone,
        issuer=query.issuer,
        year_from=query.year_from,
        year_to=query.year_to,
    )
    page = reads.policy_page(filters=filters, cursor=query.cursor, limit=query.limit)
    return {"items": [s.policy_out(d) for d in page.items], "next_cursor": page.next_cursor, "total": page.total}


@router.post(
    "/zone-policies",
    response={201: s.ZonePolicyDetailOut, **ERRORS},
    summary="登记政策文件（办公室；省科技厅限本省及本省高新区的文件）",
)
def create_policy(request: HttpRequest, payload: s.ZonePolicyIn):
    user = api_user_required(request)
    document = services.policy_create(actor=user, data=payload.model_dump(mode="json"))
    return Status(201, _detail(document.pk))


@router.get(
    "/zone-policies/{document_id}", response={200: s.ZonePolicyDetailOut, **READ_ERRORS}, summary="政策文件详情与正文"
)
def get_policy(request: HttpRequest, document_id: int = Path(..., ge=1, le=ID_MAX)):
    api_user(request)
    return _detail(document_id)


@router.patch(
    "/zone-policies/{document_id}",
    response={200: s.ZonePolicyDetailOut, **ERRORS},
    summary="修改政策文件（只改所给字段）",
)
def update_policy(request: HttpRequest, payload: s.ZonePolicyPatch, document_id: int = Path(..., ge=1, le=ID_MAX)):
    user = api_user_required(request)
    services.policy_update(
        actor=user, document_id=document_id, data=payload.model_dump(exclude_unset=True, mode="json")
    )
    return _detail(document_id)


@router.get(
    "/zone-policies/{document_id}/file",
    response=READ_ERRORS,
    summary="下载政策文件附件（原文件名）",
    openapi_extra={
        "responses": {
            "200": {
                "description": "the document's file (PDF, DOC, DOCX, OFD or TXT)",
                "content": {
                    t.split(";")[0]: {"schema": {"type": "string", "format": "binary"}} for t in CONTENT_TYPES.values()
                },
            }
        }
    },
)
def download_policy_file(request: HttpRequest, document_id: int = Path(..., ge=1, le=ID_MAX)):
    api_user(request)
    handle, name, content_type = reads.policy_file_open(document=reads.policy_get(document_id=document_id))
    response = file_download(handle, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.post(
    "/zone-policies/{document_id}/file",
    response={200: s.ZonePolicyDetailOut, **ERRORS},
    summary="上传或替换政策文件附件（PDF、DOC、DOCX、OFD、TXT，按内容识别，≤ 20 MB）",
)
def upload_policy_file(request: HttpRequest, file: File[UploadedFile], document_id: int = Path(..., ge=1, le=ID_MAX)):
    user = api_user_required(request)
    services.policy_file_put(actor=user, document_id=document_id, file=file)
    return _detail(document_id)


# --- research topics -------------------------------------------------------------------------


@router.get(
    "/zone-policy-topics", response={200: s.ZonePolicyTopicPageOut, **READ_ERRORS}, summary="高新区政策研究课题"
)
def list_topics(request: HttpRequest, query: Query[s.ZonePolicyTopicQuery]):
    api_user(request)
    filters = reads.TopicFilters(
        q=query.q, status=query.status.value if query.status else "", zone=query.zone, lead=query.lead
    )
    page = reads.topic_page(filters=filters, cursor=query.cursor, limit=query.limit)
    return {"items": [s.topic_out(t) for t in page.items], "next_cursor": page.next_cursor, "total": page.total}


@router.post(
    "/zone-policy-topics", response={201: s.ZonePolicyTopicOut, **ERRORS}, summary="新建政策研究课题（办公室）"
)
def create_topic(request: HttpRequest, payload: s.ZonePolicyTopicIn):
    user = api_user_required(request)
    topic = topics.topic_create(actor=user, data=payload.model_dump(mode="json"))
    return Status(201, s.topic_out(reads.topic_get(topic_id=topic.pk), with_outputs=True))


@router.get(
    "/zone-policy-topics/{topic_id}",
    response={200: s.ZonePolicyTopicOut, **READ_ERRORS},
    summary="政策研究课题详情与研究成果",
)
def get_topic(request: HttpRequest, topic_id: int = Path(..., ge=1, le=ID_MAX)):
    api_user(request)
    return s.topic_out(reads.topic_get(topic_id=topic_id), with_outputs=True)


@router.patch(
    "/zone-policy-topics/{topic_id}",
    response={200: s.ZonePolicyTopicOut, **ERRORS},
    summary="修改政策研究课题（状态只能向前：立项 → 研究中 → 已结题）",
)
def update_topic(request: HttpRequest, payload: s.ZonePolicyTopicPatch, topic_id: int = Path(..., ge=1, le=ID_MAX)):
    user = api_user_required(request)
    topics.topic_update(actor=user, topic_id=topic_id, data=payload.model_dump(exclude_unset=True, mode="json"))
    return s.topic_out(reads.topic_get(topic_id=topic_id), with_outputs=True)


@router.post(
    "/zone-policy-topics/{topic_id}/outputs",
    response={201: s.ZonePolicyOutputOut, **ERRORS},
    summary="登记研究成果（研究报告、政策建议、被采纳政策——须指向政策文件）",
)
def create_output(request: HttpRequest, payload: s.ZonePolicyOutputIn, topic_id: int = Path(..., ge=1, le=ID_MAX)):
    user = api_user_required(request)
    output = topics.output_create(actor=user, topic_id=topic_id, data=payload.model_dump(mode="json"))
    return Status(201, s.output_out(output))
