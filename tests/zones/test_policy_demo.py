"""The policy part of the zones' demo: documents of every scope through the services (searchable,
audited), the research topics at every status with outputs, the adopted policy pointing at its
document; nothing dated in the future; a second run does nothing."""

import pytest
from django.utils import timezone

from nesta.core.models import AuditLog
from nesta.demo.zones import accounts
from nesta.demo.zones import policy as demo
from nesta.zones.models import PolicyDocument, PolicyOutput, PolicyTopic
from nesta.zones.selectors.policy import PolicyFilters, policy_page
from tests.factories import OrganizationFactory, UserFactory, grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def ctx(reference, liaoning, jilin):
    grant(UserFactory(username="office"), "office")
    grant(UserFactory(username="liaoning"), "province", province=liaoning)
    UserFactory(username="jilin")  # no role: the office registers Jilin's documents instead
    for i, kind in enumerate(("university", "research_institute", "university")):
        OrganizationFactory(reference_key=f"demo-org-{i:06d}", kind=kind)
    return accounts.load(2026, lambda message: None)


def test_the_policy_demo(ctx):
    said: list[str] = []
    counts = demo.load(ctx, said.append)
    assert counts["zone_policies"] == PolicyDocument.objects.count() >= 15
    assert {"national", "province", "zone"} == set(PolicyDocument.objects.values_list("scope", flat=True))
    assert not PolicyDocument.objects.filter(issued_on__gt=timezone.localdate()).exists()
    liaoning_docs = AuditLog.objects.filter(action="policy.created", actor__username="liaoning").count()
    assert liaoning_docs == PolicyDocument.objects.filter(province__code="210000").count() > 0
    for doc in PolicyDocument.objects.filter(scope="zone"):
        assert doc.zones.exists() and {z.province_id for z in doc.zones.all()} == {doc.province_id}
    assert set(PolicyTopic.objects.values_list("status", flat=True)) == {"planned", "underway", "completed"}
    assert (
        PolicyTopic.objects.filter(lead__reference_key__startswith="demo-org-").count() == PolicyTopic.objects.count()
    )
    adopted = PolicyOutput.objects.filter(kind="adopted").select_related("document", "topic")
    assert adopted and all(o.document is not None and o.topic.status == "completed" for o in adopted)
    assert not PolicyOutput.objects.filter(delivered_on__gt=timezone.localdate()).exists()
    assert not PolicyOutput.objects.filter(topic__status="planned").exists()
    hits = policy_page(filters=PolicyFilters(q="孵化器")).items
    assert len(hits) >= 5
    assert demo.load(ctx, said.append) == {} and "documents present" in said[-1]
