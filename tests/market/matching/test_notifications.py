"""Strong new matches are told to both owners: after the publication commits, once per pair."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, transaction

from nesta.core.errors import ServiceUnavailable
from nesta.core.models import Notification
from nesta.market.matching import tasks
from nesta.market.matching import weights as W
from nesta.market.services.listings import listing_publish
from tests.factories import UserFactory, grant
from tests.market.matching.helpers import achievement, demand, org

TEXT = ("铸件缩松缺陷控制技术", "通过凝固模拟与补缩设计消除铸件缩孔缩松，合格率提高到98%。")


def notes(user):
    return list(Notification.objects.filter(user=user, kind=tasks.KIND))


@pytest.fixture
def market(reference):
    seller_org, buyer_org = org(), org("220000", "220100")
    seller = grant(UserFactory(organization=seller_org), "member", organization=seller_org)
    buyer = grant(UserFactory(organization=buyer_org), "member", organization=buyer_org)
    offer = achievement(*TEXT, keywords="缩松,铸件", owner=seller_org, created_by=seller)
    achievement("风电叶片除冰技术", "风机叶片结冰监测与电热除冰。", field_code="wind-energy")
    need = demand(
        "铸件缩松缩孔严重",
        "我厂铸件缩松缩孔严重，需要缩松缺陷控制技术。",
        owner=buyer_org,
        stored=True,
        status="approved",
        created_by=buyer,
    )
    return seller, buyer, offer, need


@pytest.mark.django_db
def test_publishing_tells_both_owners_after_the_commit_and_only_once(market, django_capture_on_commit_callbacks):
    seller, buyer, offer, need = market
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        listing_publish(actor=buyer, listing_id=need.pk)
    assert notes(seller) == [] and notes(buyer) == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert [n.url for n in notes(buyer)] == [f"{offer.get_absolute_url()}#match-{need.pk}"]
    assert [n.url for n in notes(seller)] == [f"{need.get_absolute_url()}#match-{offer.pk}"]
    assert offer.title in notes(buyer)[0].title and need.title in notes(seller)[0].title
    assert offer.title in notes(seller)[0].body and "缩松" in notes(seller)[0].body
    # the same pair is not told again, whichever side runs the task next
    assert tasks.match_notify.call(need.pk) == 0
    assert tasks.match_notify.call(offer.pk) == 0
    assert len(notes(seller)) == len(notes(buyer)) == 1


@pytest.mark.django_db
def test_the_score_must_reach_the_threshold(market, monkeypatch, django_capture_on_commit_callbacks):
    seller, buyer, _offer, need = market
    monkeypatch.setattr(W, "NOTIFY_THRESHOLD", 1.01)
    with django_capture_on_commit_callbacks(execute=True):
        listing_publish(actor=buyer, listing_id=need.pk)
    assert notes(seller) == notes(buyer) == []


@pytest.mark.django_db
def test_a_rolled_back_publication_queues_nothing(market, django_capture_on_commit_callbacks):
    seller, buyer, _offer, need = market
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            listing_publish(actor=buyer, listing_id=need.pk)
            raise RuntimeError
    assert callbacks == [] and notes(seller) == notes(buyer) == []


@pytest.mark.django_db
def test_an_organisation_is_not_told_about_its_own_listings(reference):
    own = org()
    user = grant(UserFactory(organization=own), "member", organization=own)
    offer = achievement(*TEXT, owner=own, created_by=user)
    need = demand("铸件缩松缩孔严重", "需要缩松缺陷控制技术。", owner=own, stored=True, created_by=user)
    assert tasks.notify_pair(need.pk, offer.pk, 0.9, []) == 0
    assert notes(user) == []


@pytest.mark.django_db(transaction=True)
def test_concurrent_tasks_tell_a_pair_once(reference):
    a_org, b_org = org(), org("220000", "220100")
    a = grant(UserFactory(organization=a_org), "member", organization=a_org)
    b = grant(UserFactory(organization=b_org), "member", organization=b_org)
    offer = achievement(*TEXT, owner=a_org, created_by=a)
    need = demand("铸件缩松", "需要缩松缺陷控制技术。", owner=b_org, stored=True, created_by=b)
    workers = 8
    barrier = threading.Barrier(workers)

    def run(i):
        try:
            barrier.wait(timeout=30)
            first, second = (need.pk, offer.pk) if i % 2 else (offer.pk, need.pk)
            return tasks.notify_pair(first, second, 0.9, ["共同关键词：缩松"])
        except ServiceUnavailable:
            return "busy"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(run, range(workers)))
    assert sum(r for r in results if isinstance(r, int)) == 2, results
    assert len(notes(a)) == len(notes(b)) == 1
