"""Pages of training requests: the instrument page's 申请上机培训 / the request's state, the request
form, 我的培训 (撤回), the managers' panel and list with 安排培训 / 授予资格 / 不予通过."""

from datetime import timedelta

import pytest
from django.utils import timezone

from nesta.instruments.models import Qualification, TrainingRequest
from nesta.instruments.services.training import training_request, training_schedule
from tests.web.instruments.conftest import local

pytestmark = pytest.mark.django_db
T = TrainingRequest.Status


@pytest.fixture
def trained_sem(sem):
    sem.policy.requires_training = True
    sem.policy.save()
    return sem


def test_the_instrument_page_offers_training_then_shows_the_request(login_as, users, sem, trained_sem):
    c = login_as("member")
    body = c.get(f"/instruments/{sem.pk}/").content.decode()
    assert 'data-testid="training-request-link"' in body
    r = c.post(f"/instruments/{sem.pk}/training/request/", {"message": "课题需要"})
    assert r.status_code == 302 and r["Location"] == "/instruments/training/"
    body = c.get(f"/instruments/{sem.pk}/").content.decode()
    assert 'data-testid="training-request-link"' not in body
    assert 'data-testid="training-request-state"' in body and "已申请" in body
    mine = c.get("/instruments/training/").content.decode()
    assert "课题需要" in mine and 'data-testid="training-withdraw"' in mine


def test_no_button_where_no_training_is_needed_or_once_qualified(login_as, users, sem):
    c = login_as("member")
    assert 'data-testid="training-status"' not in c.get(f"/instruments/{sem.pk}/").content.decode()
    sem.policy.requires_training = True
    sem.policy.save()
    Qualification.objects.create(instrument=sem, user=users["member"], expires_at=timezone.now() + timedelta(days=300))
    body = c.get(f"/instruments/{sem.pk}/").content.decode()
    assert 'data-testid="qualified"' in body and 'data-testid="training-request-link"' not in body


def test_a_second_request_is_refused_with_422(login_as, users, trained_sem):
    training_request(actor=users["member"], instrument_id=trained_sem.pk)
    r = login_as("member").post(f"/instruments/{trained_sem.pk}/training/request/", {"message": "again"})
    assert r.status_code == 422
    assert "处理中的培训申请" in r.content.decode()


def test_managers_see_requests_and_schedule_grant(login_as, users, trained_sem):
    req = training_request(actor=users["member"], instrument_id=trained_sem.pk, message="想学能谱")
    m = login_as("instrument_manager")
    manage = m.get(f"/instruments/{trained_sem.pk}/manage/").content.decode()
    assert 'data-testid="manage-training-request"' in manage and 'data-testid="training-requests-link"' in manage
    page = m.get(f"/instruments/{trained_sem.pk}/manage/training/")
    body = page.content.decode()
    assert page.status_code == 200 and "想学能谱" in body
    assert 'data-testid="training-schedule"' in body and 'data-testid="training-grant"' in body
    start = timezone.now() + timedelta(days=2)
    r = m.post(
        f"/instruments/training/{req.pk}/schedule/",
        {"start": local(start), "end": local(start + timedelta(hours=2)), "location": "B201"},
    )
    assert r.status_code == 302
    req.refresh_from_db()
    assert req.status == T.SCHEDULED and req.session_location == "B201"
    bad = m.post(f"/instruments/training/{req.pk}/schedule/", {"start": "", "end": ""}, follow=True)
    assert "培训开始" in bad.content.decode() or "必填" in bad.content.decode()
    expires = timezone.now() + timedelta(days=365)
    m.post(f"/instruments/training/{req.pk}/grant/", {"expires_at": local(expires)})
    req.refresh_from_db()
    assert req.status == T.GRANTED
    assert Qualification.objects.filter(instrument=trained_sem, user=users["member"]).exists()


def test_decline_with_a_reason_and_the_user_sees_it(login_as, users, trained_sem):
    req = training_request(actor=users["member"], instrument_id=trained_sem.pk)
    m = login_as("instrument_manager")
    m.post(f"/instruments/training/{req.pk}/decline/", {"reason": "名额已满"})
    req.refresh_from_db()
    assert req.status == T.DECLINED
    body = login_as("member").get("/instruments/training/").content.decode()
    assert "名额已满" in body and "未通过" in body


def test_permissions_of_the_pages(client, login_as, users, trained_sem):
    req = training_request(actor=users["member"], instrument_id=trained_sem.pk)
    assert login_as("member").get(f"/instruments/{trained_sem.pk}/manage/training/").status_code == 403
    assert login_as("expert").post(f"/instruments/training/{req.pk}/grant/", {}).status_code == 403
    assert login_as("expert").post(f"/instruments/training/{req.pk}/withdraw/").status_code == 403
    assert client.get("/instruments/training/").status_code == 302
    start = timezone.now() + timedelta(days=1)
    training_schedule(actor=users["instrument_manager"], request_id=req.pk, start=start, end=start + timedelta(hours=1))
    r = login_as("member").post(f"/instruments/training/{req.pk}/withdraw/")
    assert r.status_code == 302 and r["Location"] == "/instruments/training/"
    req.refresh_from_db()
    assert req.status == T.CANCELLED


def test_the_staff_list_stays_within_a_query_budget(
    login_as, users, org_ln, trained_sem, django_assert_max_num_queries
):
    from tests.factories import UserFactory, grant

    for i in range(4):
        u = grant(UserFactory(username=f"t_tr{i}", organization=org_ln), "member", organization=org_ln)
        training_request(actor=u, instrument_id=trained_sem.pk)
    m = login_as("instrument_manager")
    with django_assert_max_num_queries(16):
        body = m.get(f"/instruments/{trained_sem.pk}/manage/training/").content.decode()
    assert body.count('data-testid="training-request"') == 4
