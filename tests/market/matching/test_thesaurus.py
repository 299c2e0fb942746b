"""The domain thesaurus: the seed, the operator's services and pages (permission matrix, audit),
and the matcher seeing an edit at once."""

import pytest

from nesta.core.errors import NotFound, PermissionDenied, ValidationFailed
from nesta.core.models import AuditLog
from nesta.market.matching import thesaurus as T
from nesta.market.matching.engine import top_matches
from nesta.market.models import ThesaurusConcept, ThesaurusTerm
from nesta.market.reference import load_thesaurus, seed_concepts
from nesta.market.services.thesaurus import concept_create, concept_delete, concept_update
from tests.market.matching.helpers import achievement, demand

pytestmark = pytest.mark.django_db
MANAGERS = ("office", "province")
OTHERS = ("org_admin", "member", "instrument_manager", "expert")
DATA = {
    "name": "螺栓松动",
    "field": "machinery",
    "terms": [
        {"term": "螺丝*松", "role": "problem"},
        {"term": "预紧力衰减", "role": "phenomenon"},
        {"term": "防松技术", "role": "technique"},
    ],
}


def test_the_seed_is_substantial_and_loads_idempotently(reference):
    seed = seed_concepts()
    assert len(seed) >= 150 and sum(len(c["terms"]) for c in seed) >= 1500
    assert all(len(c["terms"]) >= 4 for c in seed)
    roles = {r for c in seed for _t, r in c["terms"]}
    assert roles == {"problem", "phenomenon", "technique", "synonym"}
    count = ThesaurusTerm.objects.count()
    assert ThesaurusConcept.objects.filter(reference_key__isnull=False).count() == len(seed)
    assert load_thesaurus() == 0 and ThesaurusTerm.objects.count() == count
    # an operator's extra term survives a reload; a removed seed term comes back
    concept = ThesaurusConcept.objects.get(reference_key="weld-cold-crack")
    ThesaurusTerm.objects.create(concept=concept, term="焊口炸了", role="problem")
    concept.terms.filter(term="延迟裂纹").delete()
    assert load_thesaurus() == 1
    assert set(concept.terms.values_list("term", flat=True)) >= {"焊口炸了", "延迟裂纹"}


def test_the_seed_reaches_the_taxonomy():
    keys = [c["field"] for c in seed_concepts()]
    assert len(set(keys)) >= 30


@pytest.mark.parametrize("role", MANAGERS)
def test_operators_create_edit_and_delete_with_audit(users, role):
    actor = users[role]
    concept = concept_create(actor=actor, data=DATA)
    assert concept.field.code == "machinery"
    assert sorted(concept.terms.values_list("term", "role")) == sorted((t["term"], t["role"]) for t in DATA["terms"])
    created = AuditLog.objects.get(action="thesaurus.concept_created", object_id=str(concept.pk))
    assert created.changes["name"] == [None, "螺栓松动"]
    concept_update(
        actor=actor, concept_id=concept.pk, data={**DATA, "terms": [{"term": "防松技术", "role": "technique"}]}
    )
    updated = AuditLog.objects.get(action="thesaurus.concept_updated", object_id=str(concept.pk))
    assert "terms" in updated.changes
    concept_delete(actor=actor, concept_id=concept.pk)
    assert not ThesaurusConcept.objects.filter(pk=concept.pk).exists()
    assert AuditLog.objects.filter(action="thesaurus.concept_deleted", object_id=str(concept.pk)).exists()


@pytest.mark.parametrize("role", OTHERS)
def test_everyone_else_is_refused(users, role):
    concept = concept_create(actor=users["office"], data=DATA)
    with pytest.raises(PermissionDenied):
        concept_create(actor=users[role], data={**DATA, "name": "另一个"})
    with pytest.raises(PermissionDenied):
        concept_update(actor=users[role], concept_id=concept.pk, data=DATA)
    with pytest.raises(PermissionDenied):
        concept_delete(actor=users[role], concept_id=concept.pk)
    assert ThesaurusConcept.objects.filter(pk=concept.pk).exists()


@pytest.mark.parametrize(
    "change, field",
    [
        ({"name": ""}, "name"),
        ({"name": "焊接冷裂纹"}, "name"),  # a seeded concept's name
        ({"name": "x\x07"}, "name"),
        ({"field": "nowhere"}, "field"),
        ({"terms": []}, "terms"),
        ({"terms": [{"term": "a", "role": "problem"}]}, "terms"),
        ({"terms": [{"term": "*裂", "role": "problem"}]}, "terms"),
        ({"terms": [{"term": "好词", "role": "boss"}]}, "terms"),
        ({"terms": [{"term": "词\n语", "role": "problem"}]}, "terms"),
        ({"terms": "焊缝"}, "terms"),
        ({"terms": [{"term": f"词语{i}", "role": "synonym"} for i in range(61)]}, "terms"),
    ],
)
def test_each_broken_rule_names_its_field_and_leaves_nothing(users, change, field):
    before = (ThesaurusConcept.objects.count(), ThesaurusTerm.objects.count(), AuditLog.objects.count())
    with pytest.raises(ValidationFailed) as exc:
        concept_create(actor=users["office"], data={**DATA, **change})
    assert field in exc.value.details
    assert (ThesaurusConcept.objects.count(), ThesaurusTerm.objects.count(), AuditLog.objects.count()) == before


def test_unknown_concepts_are_not_found(users):
    for pk in (0, 10**12, "1"):
        with pytest.raises(NotFound):
            concept_update(actor=users["office"], concept_id=pk, data=DATA)


def test_an_operator_term_bridges_a_demand_at_once(users, django_capture_on_commit_callbacks):
    target = achievement("螺纹连接防松技术", "高强度螺栓连接防松技术，解决预紧力衰减。")
    achievement("风电叶片除冰技术", "风机叶片结冰监测与电热除冰。", field_code="wind-energy")
    need = demand("设备上的螺丝老是松", "振动设备上的螺丝用一段时间就老是松掉。")
    T.current()  # the table is loaded before the edit
    with django_capture_on_commit_callbacks(execute=True):
        concept_create(actor=users["office"], data=DATA)
    found = top_matches(need)
    assert found[0].listing == target
    assert any(r.code == "related_terms" and "螺栓松动" in r.text for r in found[0].reasons)


# --- the pages ----------------------------------------------------------------------------------


def test_the_pages_matrix(client, users):
    concept = concept_create(actor=users["office"], data=DATA)
    pages = ["/market/thesaurus/", "/market/thesaurus/new/", f"/market/thesaurus/{concept.pk}/"]
    for url in pages:
        res = client.get(url)
        assert res.status_code == 302 and "login" in res["Location"]
    for role in OTHERS:
        client.force_login(users[role])
        for url in pages:
            assert client.get(url).status_code == 403, (role, url)
        assert client.post(f"/market/thesaurus/{concept.pk}/delete/").status_code == 403
    for role in MANAGERS:
        client.force_login(users[role])
        for url in pages:
            assert client.get(url).status_code == 200, (role, url)
    assert ThesaurusConcept.objects.filter(pk=concept.pk).exists()


def test_the_list_filters_and_counts_queries(client, users, django_assert_max_num_queries):
    client.force_login(users["office"])
    res = client.get("/market/thesaurus/", {"q": "砂眼"})
    html = res.content.decode().split('data-testid="concept-list"')[1]
    assert "铸件缩孔缩松" in html and "稀土永磁" not in html
    with django_assert_max_num_queries(12):
        res = client.get("/market/thesaurus/")
    assert res.status_code == 200 and "concept-list" in res.content.decode()
    res = client.get("/market/thesaurus/", {"field": "rare-earth-magnets"}, HTTP_HX_REQUEST="true")
    assert "稀土永磁" in res.content.decode() and "<html" not in res.content.decode()
    assert client.get("/market/thesaurus/", {"cursor": "!!"}).status_code == 400


def test_the_form_creates_edits_and_deletes(client, users):
    client.force_login(users["province"])
    res = client.post(
        "/market/thesaurus/new/",
        {
            "name": "螺栓松动",
            "field": "machinery",
            "is_active": "on",
            "problem_terms": "螺丝*松\n螺栓松了",
            "technique_terms": "防松技术、防松垫圈",
        },
    )
    assert res.status_code == 302, res.content.decode()[:500]
    concept = ThesaurusConcept.objects.get(name="螺栓松动")
    assert set(concept.terms.values_list("term", flat=True)) == {"螺丝*松", "螺栓松了", "防松技术", "防松垫圈"}
    res = client.post(f"/market/thesaurus/{concept.pk}/", {"name": "螺栓松动", "problem_terms": "x"})
    assert res.status_code == 422 and "太短" in res.content.decode()
    res = client.post(f"/market/thesaurus/{concept.pk}/", {"name": "螺栓松动", "synonym_terms": "螺栓防松"})
    assert res.status_code == 302
    assert list(concept.terms.values_list("term", flat=True)) == ["螺栓防松"]
    assert not ThesaurusConcept.objects.get(pk=concept.pk).is_active  # the box was left unticked
    page = client.get(f"/market/thesaurus/{concept.pk}/").content.decode()
    assert "编辑概念：螺栓松动" in page and "螺栓防松" in page
    client.force_login(users["office"])
    page = client.get(f"/market/thesaurus/{concept.pk}/").content.decode()
    assert "修改记录" in page and "修改词表概念" in page  # the audit rows with their event label
    assert client.post(f"/market/thesaurus/{concept.pk}/delete/").status_code == 302
    assert not ThesaurusConcept.objects.filter(pk=concept.pk).exists()
    assert client.get("/market/thesaurus/99999999/").status_code == 404
