"""The office's assignment page and the expert's invitations page."""

import pytest

from nesta.programmes.models import Assignment
from nesta.programmes.services import assignment as services

pytestmark = pytest.mark.django_db


def test_office_page_previews_and_saves(client, pool, office):
    client.force_login(office)
    url = f"/projects/calls/{pool['call'].pk}/assignment/"
    r = client.get(url)
    assert r.status_code == 200 and 'data-testid="assignment-form"' in r.content.decode()
    form = {"k": 3, "min_load": 0, "max_load": 10, "out_of_province": "on", "one_per_org": "on"}
    r = client.post(url, {**form, "action": "preview"})
    assert r.status_code == 200
    html = r.content.decode()
    assert 'data-testid="preview-result"' in html and "贪心分配" in html
    assert Assignment.objects.count() == 0
    r = client.post(url, {**form, "action": "save"})
    assert r.status_code == 302 and Assignment.objects.count() == 18
    html = client.get(url).content.decode()
    assert html.count('data-testid="seat"') == 18


def test_office_page_explains_an_impossible_assignment(client, pool, office):
    client.force_login(office)
    r = client.post(
        f"/projects/calls/{pool['call'].pk}/assignment/", {"k": 12, "min_load": 0, "max_load": 10, "action": "preview"}
    )
    assert r.status_code == 422
    assert 'data-code="too_few_eligible"' in r.content.decode()


def test_conflicts_page_lists_reasons(client, pool, office):
    from nesta.programmes.models import AvoidRequest

    AvoidRequest.objects.create(application=pool["apps"][0], expert=pool["experts"][1])
    client.force_login(office)
    html = client.get(f"/projects/calls/{pool['call'].pk}/conflicts/").content.decode()
    assert "回避：申请人申请回避" in html


def test_experts_may_not_open_the_office_page(client, pool):
    client.force_login(pool["experts"][0].user)
    assert client.get(f"/projects/calls/{pool['call'].pk}/assignment/").status_code == 403


def test_invitations_page_shows_only_own_seats_in_constant_queries(client, pool, office, django_assert_max_num_queries):
    services.assignment_run(actor=office, call_id=pool["call"].pk, data={}, save=True)
    person = pool["experts"][2]
    client.force_login(person.user)
    mine = Assignment.objects.filter(expert=person).count()
    with django_assert_max_num_queries(12):
        html = client.get("/projects/invitations/").content.decode()
    assert html.count('data-testid="invitation"') == mine > 0
    seat = Assignment.objects.filter(expert=person).first()
    r = client.post(f"/projects/invitations/{seat.pk}/accept/")
    assert r.status_code == 302
    seat.refresh_from_db()
    assert seat.status == "accepted"
    r = client.post(f"/projects/invitations/{seat.pk}/decline/", {"reason": "临时出差"})
    seat.refresh_from_db()
    assert seat.status == "declined"
    other = Assignment.objects.exclude(expert=person).first()
    assert client.post(f"/projects/invitations/{other.pk}/accept/").status_code == 403


def test_call_page_links_to_the_assignment_for_those_who_run_it(client, pool, office):
    client.force_login(office)
    html = client.get(f"/projects/calls/{pool['call'].pk}/").content.decode()
    assert f"/projects/calls/{pool['call'].pk}/assignment/" in html
    client.force_login(pool["experts"][0].user)
    html = client.get(f"/projects/calls/{pool['call'].pk}/").content.decode()
    assert 'data-testid="call-assignment-link"' not in html
    assert 'data-testid="my-invitations"' in html
