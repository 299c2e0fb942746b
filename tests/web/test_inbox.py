"""The inbox page /notifications/ and the unread badge in the layout: one's own messages only,
newest first, paged, links to the object, mark one / all as read, local times, a constant number
of queries; and the page that promises 站内消息 links to it."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from nesta.core.models import Notification
from nesta.core.notifications import notify
from tests.factories import UserFactory
from tests.web.conftest import text
from tests.web.instruments.conftest import at, nmr, post_booking, workday  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
UTC = ZoneInfo("UTC")


@pytest.fixture
def reader():
    return UserFactory(username="reader_w", display_name="读者")


def logged_in(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def make_notes(user, n):
    start = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
    notes = [
        notify(user=user, kind="test", title=f"消息标题{i:02d}", body="正文", url=f"/instruments/{i}/")
        for i in range(n)
    ]
    for i, note in enumerate(notes):
        Notification.objects.filter(pk=note.pk).update(created_at=start + timedelta(minutes=i))
    return notes


def test_anonymous_visitors_are_sent_to_login(client):
    r = client.get("/notifications/")
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")
    assert client.post("/notifications/read-all/").status_code == 302
    assert 'data-testid="notifications-link"' not in text(client.get("/"))


def test_inbox_shows_ones_own_newest_first_with_links_and_local_times(reader):
    make_notes(reader, 3)
    make_notes(UserFactory(username="someone_else"), 2)
    Notification.objects.filter(user__username="someone_else").update(title="别人的消息")
    html = text(logged_in(reader).get("/notifications/"))
    assert html.index("消息标题02") < html.index("消息标题01") < html.index("消息标题00")
    assert "别人的消息" not in html
    assert '<a href="/instruments/2/">消息标题02</a>' in html
    assert "2026-03-02 10:02" in html  # 02:02 UTC, read in Asia/Shanghai


def test_a_stored_url_that_leaves_the_site_is_not_a_link(reader):
    notify(user=reader, kind="test", title="外部链接", url="https://evil.example/")
    html = text(logged_in(reader).get("/notifications/"))
    assert "外部链接" in html and "evil.example" not in html


def test_paging_walks_every_message_once(reader):
    notes = make_notes(reader, 45)
    c = logged_in(reader)
    r = c.get("/notifications/")
    seen = [n.pk for n in r.context["page"].items]
    while r.context["page"].next_cursor:
        assert 'rel="next"' in text(r)
        r = c.get("/notifications/", {"cursor": r.context["page"].next_cursor})
        seen += [n.pk for n in r.context["page"].items]
    assert seen == [n.pk for n in reversed(notes)]
    assert c.get("/notifications/", {"cursor": "garbage"}).status_code == 400


def test_query_count_does_not_grow_with_the_messages(reader):
    make_notes(reader, 2)
    c = logged_in(reader)
    c.get("/notifications/")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert c.get("/notifications/").status_code == 200
        return len(ctx.captured_queries)

    few = count()
    make_notes(reader, 40)
    assert count() == few
    assert count() <= 7  # session, user, roles, page, unread count (page + badge share it)…


def test_badge_counts_unread_and_mark_one_then_all(reader):
    notes = make_notes(reader, 3)
    other = make_notes(UserFactory(username="other_w"), 1)[0]
    c = logged_in(reader)
    html = text(c.get("/"))
    assert 'data-testid="unread-count">3<' in html
    r = c.post(f"/notifications/{notes[0].pk}/read/", {"next": "/notifications/?unread=1"})
    assert r.status_code == 302 and r["Location"] == "/notifications/?unread=1"
    assert Notification.objects.filter(user=reader, read_at__isnull=True).count() == 2
    page = c.get("/notifications/", {"unread": "1"})
    assert [n.pk for n in page.context["page"].items] == [notes[2].pk, notes[1].pk]
    # someone else's message cannot be marked through one's own session
    c.post(f"/notifications/{other.pk}/read/")
    assert Notification.objects.get(pk=other.pk).read_at is None
    r = c.post("/notifications/read-all/", {"next": "https://evil.example/"})
    assert r.status_code == 302 and r["Location"] == "/notifications/"
    assert not Notification.objects.filter(user=reader, read_at__isnull=True).exists()
    html = text(c.get("/"))
    assert 'data-testid="notifications-link"' in html and 'data-testid="unread-count"' not in html
    assert c.get(f"/notifications/{notes[0].pk}/read/").status_code == 405


def test_the_pending_booking_promise_links_to_the_inbox(nmr, users):  # noqa: F811
    from nesta.instruments.models import Qualification

    user = users["member"]  # org_ln: an outsider to the Jilin NMR, whose bookings need approval
    Qualification.objects.create(instrument=nmr, user=user)
    day = workday()
    r = post_booking(logged_in(user), nmr, at(day, 9), at(day, 10))
    html = text(r)
    assert "站内消息" in html and 'href="/notifications/"' in html
