"""The notification centre's services and API: one's own messages only, newest first,
cursor-paged, the unread filter and count, mark one / some / all as read, local times."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import Client

from nesta.core.errors import NotAuthenticated
from nesta.core.models import Notification
from nesta.core.notifications import (
    Message,
    notifications_mark_read,
    notifications_page,
    notifications_unread_count,
    notify,
    notify_many,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def alice():
    return UserFactory(username="alice_n")


@pytest.fixture
def bob():
    return UserFactory(username="bob_n")


def make_notes(user, n, start=None):
    start = start or datetime(2026, 3, 2, 2, 0, tzinfo=ZoneInfo("UTC"))
    notes = [notify(user=user, kind="test", title=f"消息{i}", url=f"/instruments/{i}/") for i in range(n)]
    for i, note in enumerate(notes):  # distinct, increasing times (same-second ties are covered below)
        Notification.objects.filter(pk=note.pk).update(created_at=start + timedelta(minutes=i))
    return notes


def api(user=None):
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    if user:
        c.force_login(user)
    return c


def test_pages_walk_newest_first_without_gaps_or_repeats(alice, bob):
    notes = make_notes(alice, 25)
    make_notes(bob, 3)
    seen, cursor = [], None
    while True:
        page = notifications_page(user=alice, cursor=cursor, limit=10)
        seen += [n.pk for n in page.items]
        cursor = page.next_cursor
        if not cursor:
            break
    assert seen == [n.pk for n in reversed(notes)]


def test_ties_on_the_time_page_by_id(alice):
    notes = make_notes(alice, 5)
    Notification.objects.filter(user=alice).update(created_at=notes[0].created_at)
    first = notifications_page(user=alice, limit=2)
    rest = notifications_page(user=alice, cursor=first.next_cursor, limit=10)
    assert [n.pk for n in first.items + rest.items] == sorted((n.pk for n in notes), reverse=True)


def test_unread_filter_count_and_marking_only_ones_own(alice, bob):
    a = make_notes(alice, 4)
    b = make_notes(bob, 2)
    assert notifications_unread_count(user=alice) == 4
    # bob's id in alice's request changes nothing of bob's
    assert notifications_mark_read(actor=alice, ids=[a[0].pk, b[0].pk]) == 1
    assert notifications_unread_count(user=alice) == 3 and notifications_unread_count(user=bob) == 2
    assert [n.pk for n in notifications_page(user=alice, unread=True).items] == [a[3].pk, a[2].pk, a[1].pk]
    assert notifications_mark_read(actor=alice, all=True) == 3
    assert notifications_unread_count(user=alice) == 0 and notifications_unread_count(user=bob) == 2
    assert notifications_mark_read(actor=alice, all=True) == 0  # idempotent


def test_anonymous_has_no_inbox(alice):
    from django.contrib.auth.models import AnonymousUser

    assert notifications_unread_count(user=AnonymousUser()) == 0
    with pytest.raises(NotAuthenticated):
        notifications_page(user=AnonymousUser())
    with pytest.raises(NotAuthenticated):
        notifications_mark_read(actor=AnonymousUser(), all=True)


# --- API ---------------------------------------------------------------------------------------


def test_api_lists_ones_own_newest_first_with_the_unread_count(alice, bob):
    notes = make_notes(alice, 3)
    make_notes(bob, 2)
    notifications_mark_read(actor=alice, ids=[notes[0].pk])
    r = api(alice).get("/api/v1/me/notifications", {"limit": 2})
    assert r.status_code == 200
    body = r.json()
    assert [i["id"] for i in body["items"]] == [notes[2].pk, notes[1].pk]
    assert body["unread_count"] == 2 and body["next_cursor"]
    assert body["items"][0]["url"] == "/instruments/2/" and body["items"][0]["read"] is False
    # times are local (Asia/Shanghai, +08:00): 02:02 UTC is 10:02 in Shenyang
    assert body["items"][0]["created_at"].startswith("2026-03-02T10:02:00") and body["items"][0]["created_at"].endswith(
        "+08:00"
    )
    rest = api(alice).get("/api/v1/me/notifications", {"cursor": body["next_cursor"]}).json()
    assert [i["id"] for i in rest["items"]] == [notes[0].pk] and rest["next_cursor"] is None
    assert rest["items"][0]["read"] is True
    unread = api(alice).get("/api/v1/me/notifications", {"unread": "true"}).json()
    assert [i["id"] for i in unread["items"]] == [notes[2].pk, notes[1].pk]


def test_api_marks_ids_or_all_and_only_ones_own(alice, bob):
    a = make_notes(alice, 3)
    b = make_notes(bob, 1)
    c = api(alice)
    r = c.post("/api/v1/me/notifications/read", {"ids": [a[0].pk, b[0].pk]}, content_type="application/json")
    assert r.status_code == 200 and r.json() == {"marked": 1, "unread_count": 2}
    assert Notification.objects.get(pk=b[0].pk).read_at is None
    r = c.post("/api/v1/me/notifications/read", {"all": True}, content_type="application/json")
    assert r.json() == {"marked": 2, "unread_count": 0}


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"ids": []},
        {"ids": [0]},
        {"ids": [2**40]},
        {"ids": "x"},
        {"all": "yes please"},
        {"ids": list(range(1, 600))},
    ],
)
def test_api_refuses_bad_bodies_with_422(alice, body):
    r = api(alice).post("/api/v1/me/notifications/read", body, content_type="application/json")
    assert r.status_code == 422 and r.json()["code"] == "validation_error"


def test_api_needs_login_and_a_valid_cursor(alice):
    assert api().get("/api/v1/me/notifications").status_code == 401
    r = api().post("/api/v1/me/notifications/read", {"ids": "x"}, content_type="application/json")
    assert r.status_code == 401  # authentication comes before the body's validation
    r = api(alice).get("/api/v1/me/notifications", {"cursor": "not-a-cursor"})
    assert r.status_code == 400 and r.json()["code"] == "invalid_cursor"


def test_api_query_count_is_constant(alice, django_assert_num_queries):
    make_notes(alice, 3)
    c = api(alice)
    c.get("/api/v1/me/notifications")
    with django_assert_num_queries(4):  # session, user, page, unread count
        c.get("/api/v1/me/notifications")
    make_notes(alice, 30)
    with django_assert_num_queries(4):
        assert len(c.get("/api/v1/me/notifications").json()["items"]) == 20


def test_notify_many_writes_every_message_in_bulk_and_mails_after_commit(
    django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    users = [UserFactory(username=f"bulk_n{i}", email=f"bulk{i}@example.cn" if i % 2 else "") for i in range(30)]
    messages = [Message(user=u, kind="bulk", title="邀请" + "长" * 300, body="请查看", url="/x/") for u in users]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with django_assert_max_num_queries(2):  # one INSERT per batch, whatever the count
            notes = notify_many(messages)
    assert len(notes) == 30 and mail.outbox == []
    rows = Notification.objects.filter(kind="bulk")
    assert sorted(rows.values_list("user__username", flat=True)) == sorted(u.username for u in users)
    assert {len(t) for t in rows.values_list("title", flat=True)} == {200}  # cut like notify
    assert notifications_unread_count(user=users[3]) == 1
    for callback in callbacks:
        callback()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in users if u.email)
    assert mail.outbox[0].body == "请查看\n\n/x/"
