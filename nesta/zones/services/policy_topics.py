"""Writes of the policy-research topics (高新区政策研究, seed 三.3: "研究新时期适合高新区发展的切实
可行的相关政策"): the office opens a topic with its lead organisation, moves it from 立项 to 研究中
to 已结题, and records what it delivered — reports, proposals, and the policies adopted from it,
each pointing at the register's document it became.

`policy_topic.manage` (the office). A topic's status moves forward only (409 invalid_status);
outputs are recorded once the research is under way (409 topic_not_started). Each write re-indexes
the topic for full-text search (title, lead, content and its outputs) in the same transaction.
"""

from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from nesta.core import search
from nesta.core.audit import audit_record, diff, snapshot
from nesta.core.errors import Conflict, NotFound, ValidationFailed
from nesta.core.permissions import require
from nesta.core.search.engine import SearchDocument
from nesta.core.transactions import write_transaction
from nesta.core.validators import clean_text, local_date, row_id
from nesta.directory.models import Organization, OrganizationKind
from nesta.zones.models import PolicyDocument, PolicyOutput, PolicyTopic, TopicStatus
from nesta.zones.selectors.policy import TOPIC_DOC_TYPE, zone_facet
from nesta.zones.services.policy import MAX_ZONES

FIELDS = ["title", "lead", "zones", "status", "started_on", "due_on", "completed_on", "summary"]
OUTPUT_FIELDS = ["topic", "kind", "title", "delivered_on", "summary", "document"]
EARLIEST = date(1990, 1, 1)  # the model's check constraint
LATEST = date(2100, 12, 31)
ORDER = [TopicStatus.PLANNED, TopicStatus.UNDERWAY, TopicStatus.COMPLETED]
ALLOWED = {"title", "lead", "zones", "status", "started_on", "due_on", "completed_on", "summary"}


def _fail(field: str, message: str, code: str = "invalid_topic") -> ValidationFailed:
    return ValidationFailed(message, code=code, details={field: [message]})


def _lead(value: Any) -> Organization:
    pk = row_id(value)
    org = Organization.objects.filter(pk=pk).first() if pk else None
    if org is None:
        raise _fail("lead", _("未找到该机构。"), "unknown_organization")
    if org.kind == OrganizationKind.GOVERNMENT:
        raise _fail("lead", _("承担单位应为高校、科研院所、高新区或其他研究机构。"), "invalid_lead")
    return org


def _zone_list(value: Any) -> list[Organization]:
    if value is None:
        return []
    if not isinstance(value, list | tuple) or len(value) > MAX_ZONES:
        raise _fail("zones", _("应为高新区 id 的列表（最多 %(n)d 个）。") % {"n": MAX_ZONES})
    checked = [row_id(v) for v in value]
    ids = [i for i in checked if i is not None]
    if len(ids) != len(checked):
        raise _fail("zones", _("应为高新区 id 的列表（最多 %(n)d 个）。") % {"n": MAX_ZONES})
    found = {o.pk: o for o in Organization.objects.filter(pk__in=ids, kind=OrganizationKind.HIGH_TECH_ZONE)}
    missing = [i for i in ids if i not in found]
    if missing:
        raise _fail("zones", _("未找到该高新区：%(ids)s") % {"ids": ", ".join(map(str, missing[:5]))}, "unknown_zone")
    return [found[i] for i in dict.fromkeys(ids)]


def _date(data: dict[str, Any], name: str, *, latest: date = LATEST) -> date | None:
    value = data.get(name)
    if value in (None, ""):
        return None
    return local_date(value, field=name, earliest=EARLIEST, latest=latest)


def _topic_values(data: dict[str, Any], *, topic: PolicyTopic | None) -> dict[str, Any]:
    creating = topic is None
    unknown = sorted(set(data) - ALLOWED)
    if unknown:
        raise _fail(unknown[0], _("未知字段。"), "unknown_field")
    out: dict[str, Any] = {}
    if creating or "title" in data:
        out["title"] = clean_text(data.get("title"), field="title", max_length=200, required=True, multiline=False)
    if creating or "summary" in data:
        out["summary"] = clean_text(data.get("summary"), field="summary", max_length=8000)
    if creating or "lead" in data:
        out["lead"] = _lead(data.get("lead"))
    if creating or "zones" in data:
        out["zones"] = _zone_list(data.get("zones"))
    if creating or "status" in data:
        status = data.get("status") or (TopicStatus.PLANNED if creating else None)
        if status not in TopicStatus.values:
            raise _fail("status", _("应为以下之一：%(c)s") % {"c": "、".join(TopicStatus.values)})
        out["status"] = status
    for name in ("started_on", "due_on"):
        if creating or name in data:
            value = _date(data, name)
            if value is None:
                raise _fail(name, _("此字段为必填项。"))
            out[name] = value
    if creating or "completed_on" in data:
        out["completed_on"] = _date(data, "completed_on", latest=timezone.localdate())

    def now(name: str) -> Any:
        return out[name] if name in out else getattr(topic, name, None)

    started, due, status = now("started_on"), now("due_on"), now("status")
    if due < started:
        raise _fail("due_on", _("计划结题日期不能早于立项日期。"), "invalid_dates")
    if status == TopicStatus.COMPLETED:
        completed = now("completed_on") or timezone.localdate()
        if completed < started:
            raise _fail("completed_on", _("结题日期不能早于立项日期。"), "invalid_dates")
        out["completed_on"] = completed
    elif now("completed_on") is not None:
        if "completed_on" in data and out.get("completed_on") is not None:
            raise _fail("completed_on", _("课题结题后才有结题日期。"), "not_completed")
        out["completed_on"] = None
    return out


def topic_search_document(topic: PolicyTopic) -> SearchDocument:
    """The topic as the search index holds it: its words, the lead's province, its status as the
    kind and the zones it concerns as fields (the list's filters)."""
    outputs = [f"{o.title} {o.summary}" for o in topic.outputs.all()]
    text = " ".join(filter(None, [topic.title, topic.lead.name, topic.summary, *outputs]))
    province = topic.lead.province
    return search.engine.build_document(
        TOPIC_DOC_TYPE,
        topic.pk,
        text=text,
        province_code=province.code if province is not None else "",
        kind=topic.status,
        fields=[zone_facet(z.pk) for z in topic.zones.all()],
    )


def _index(topic_id: int) -> None:
    topic = PolicyTopic.objects.select_related("lead__province").prefetch_related("zones", "outputs").get(pk=topic_id)
    search.engine.index_many([topic_search_document(topic)])


def topic_reindex(*, batch_size: int = 500, progress: Any = None) -> int:
    """Rebuild every topic's search document (registered with core's reindex)."""
    done, last = 0, 0
    qs = PolicyTopic.objects.select_related("lead__province").prefetch_related("zones", "outputs").order_by("pk")
    while True:
        batch = list(qs.filter(pk__gt=last)[:batch_size])
        if not batch:
            break
        search.engine.index_many([topic_search_document(t) for t in batch])
        last = batch[-1].pk
        done += len(batch)
        if progress:
            progress(done)
    return done


def topic_create(*, actor: Any, data: dict[str, Any]) -> PolicyTopic:
    require(actor, "policy_topic.manage")
    values = _topic_values(data, topic=None)
    zones = values.pop("zones")
    with write_transaction():
        topic = PolicyTopic(**values, created_by=actor)
        topic.save()
        topic.zones.set(zones)
        audit_record(
            actor=actor, action="policy_topic.created", instance=topic, changes=diff({}, snapshot(topic, FIELDS))
        )
        _index(topic.pk)
    return topic


def topic_update(*, actor: Any, topic_id: int, data: dict[str, Any]) -> PolicyTopic:
    require(actor, "policy_topic.manage")
    with write_transaction():
        topic = PolicyTopic.objects.select_for_update().filter(pk=topic_id).first()
        if topic is None:
            raise NotFound(_("未找到该政策研究课题。"))
        require(actor, "policy_topic.manage", topic.permission_target())
        values = _topic_values(data, topic=topic)
        if "status" in values and ORDER.index(values["status"]) < ORDER.index(TopicStatus(topic.status)):
            raise Conflict(
                _("课题状态只能向前推进（立项 → 研究中 → 已结题）。"),
                code="invalid_status",
                details={"from": topic.status, "to": values["status"]},
            )
        zones = values.pop("zones", None)
        before = snapshot(topic, FIELDS)
        for name, value in values.items():
            setattr(topic, name, value)
        topic.save()
        if zones is not None and sorted(z.pk for z in zones) != before["zones"]:
            topic.zones.set(zones)
        changes = diff(before, snapshot(topic, FIELDS))
        if changes:
            audit_record(actor=actor, action="policy_topic.updated", instance=topic, changes=changes)
            _index(topic.pk)
    return topic


def output_create(*, actor: Any, topic_id: int, data: dict[str, Any]) -> PolicyOutput:
    """Record one output of a topic (under way or completed); an adopted policy names its document."""
    require(actor, "policy_topic.manage")
    unknown = sorted(set(data) - {"kind", "title", "delivered_on", "summary", "document"})
    if unknown:
        raise _fail(unknown[0], _("未知字段。"), "unknown_field")
    kind = data.get("kind")
    if kind not in PolicyOutput.Kind.values:
        raise _fail("kind", _("应为以下之一：%(c)s") % {"c": "、".join(PolicyOutput.Kind.values)}, "invalid_output")
    title = clean_text(data.get("title"), field="title", max_length=200, required=True, multiline=False)
    summary = clean_text(data.get("summary"), field="summary", max_length=4000)
    delivered = local_date(
        data.get("delivered_on"), field="delivered_on", earliest=EARLIEST, latest=timezone.localdate()
    )
    document = None
    if data.get("document") not in (None, ""):
        pk = row_id(data.get("document"))
        document = PolicyDocument.objects.filter(pk=pk).first() if pk else None
        if document is None:
            raise _fail("document", _("未找到该政策文件。"), "unknown_document")
    if kind == PolicyOutput.Kind.ADOPTED and document is None:
        raise _fail("document", _("被采纳的政策须指向登记的政策文件。"), "adopted_needs_document")
    with write_transaction():
        topic = PolicyTopic.objects.select_for_update().filter(pk=topic_id).first()
        if topic is None:
            raise NotFound(_("未找到该政策研究课题。"))
        require(actor, "policy_topic.manage", topic.permission_target())
        if topic.status == TopicStatus.PLANNED:
            raise Conflict(_("课题尚未开始研究，不能登记成果。"), code="topic_not_started")
        if delivered < topic.started_on:
            raise _fail("delivered_on", _("提交日期不能早于课题立项日期。"), "invalid_dates")
        output = PolicyOutput.objects.create(
            topic=topic, kind=kind, title=title, delivered_on=delivered, summary=summary, document=document
        )
        audit_record(
            actor=actor,
            action="policy_output.created",
            instance=output,
            changes=diff({}, snapshot(output, OUTPUT_FIELDS)),
        )
        _index(topic.pk)
    return output
