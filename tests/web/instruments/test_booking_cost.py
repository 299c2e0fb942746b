"""What one booking costs, on the web form and the API: the SQL queries of each path, and that a
booking made from the calendar (htmx) answers with the panel and the booked cells only — not the
whole week's calendar (whose rendering cost four times the booking itself), nor the form."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nesta.accounts.services import api_token_create
from nesta.instruments.models import Booking
from tests.web.conftest import text
from tests.web.instruments.conftest import HTMX, at, book, post_booking, workday

pytestmark = pytest.mark.django_db

# Statements a booking runs besides the test's savepoints. The API's 8: the token, the roles, the
# instrument with its rules, the rules read before the lock (blackouts, offences), then under it
# one statement for what holds the slot (neighbours, a waiting list's hold, the blackouts again),
# the insert, the audit row. The web reads the session and the user instead of the token, and the
# user's payer accounts only when the form names one (it ran 15 with the calendar re-rendered, 12
# before the under-lock reads became one).
WEB_QUERIES = 9
API_QUERIES = 8


def on_this_backend(n: int) -> int:
    """PostgreSQL adds two statements under the lock: the transaction's lock timeout and the
    instrument's row lock (SQLite's write gate is the lock there)."""
    return n + 2 if connection.vendor == "postgresql" else n


def statements(ctx) -> list[str]:
    """The SQL a request ran, without the test transaction's savepoints (their number depends
    on how the test database wraps the test, not on the booking)."""
    return [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]


def shown(day):
    return {"date": day.isoformat(), "view": "week"}


def test_htmx_booking_answers_with_the_outcome_and_the_booked_cells(users, sem, login_as):
    c = login_as("member")
    day = workday()
    post_booking(c, sem, at(day, 14), at(day, 15), **shown(day))  # warm: the first request loads the URLconf
    with CaptureQueriesContext(connection) as ctx:
        r = post_booking(c, sem, at(day, 9), at(day, 10, 30), **shown(day))
    assert r.status_code == 200
    html = text(r)
    assert "预约成功" in html and 'data-testid="booking-success"' in html
    assert 'data-testid="calendar"' not in html and "<thead>" not in html  # not the calendar again
    assert 'id="booking-form"' not in html  # nor the form: the page empties it
    assert 'id="booking-idempotency-key"' in html and 'hx-swap-oob="true"' in html  # a new key for the next one
    # the three booked cells, out of band: the first spans them, the other two go
    first = f"table[data-calendar] td[data-start='{day.isoformat()}T09:00']"
    assert f'hx-swap-oob="outerHTML:{first}" class="cal-mine" rowspan="3"' in html
    assert html.count('hx-swap-oob="delete:') == 2
    assert len(r.content) < 3000
    assert len(statements(ctx)) <= on_this_backend(WEB_QUERIES), [q[:90] for q in statements(ctx)]
    assert Booking.objects.filter(user=users["member"]).count() == 2


def test_htmx_booking_off_the_grid_or_off_the_page_answers_with_the_whole_area(users, sem, login_as):
    c = login_as("member")
    day = workday()
    r = post_booking(c, sem, at(day, 9, 15), at(day, 10, 15), **shown(day))  # not on the 30-minute cells
    assert r.status_code == 200 and 'data-testid="calendar"' in text(r)
    assert r["HX-Retarget"] == "#booking-area"
    r = post_booking(c, sem, at(day, 11), at(day, 12), date="2030-01-07", view="day")  # another day shown
    assert r.status_code == 200 and 'data-testid="calendar"' in text(r)


def test_a_slot_taken_meanwhile_marks_its_cells_busy_and_a_rule_answers_with_the_panel(users, sem, login_as):
    day = workday()
    book(users["org_admin"], sem, at(day, 9), at(day, 11))
    c = login_as("member")
    r = post_booking(c, sem, at(day, 10), at(day, 12), **shown(day))
    html = text(r)
    assert r.status_code == 422 and "该时段已被预约，请选择其他时间" in html
    assert 'data-testid="calendar"' not in html and "HX-Retarget" not in r  # not the week again
    # the booking that came first, out of band: 09:00 spans its four cells, the other three go
    first = f"table[data-calendar] td[data-start='{day.isoformat()}T09:00']"
    assert f'hx-swap-oob="outerHTML:{first}" class="cal-busy" rowspan="4"' in html
    assert html.count('hx-swap-oob="delete:') == 3 and "已预约" in html
    assert 'id="booking-idempotency-key"' not in html  # nothing was booked: the key still stands
    # taken by a booking off the 30-minute grid: the area is drawn again
    book(users["org_admin"], sem, at(day, 13, 10), at(day, 14, 10))
    r = post_booking(c, sem, at(day, 13, 30), at(day, 14, 30), **shown(day))
    assert r.status_code == 422 and 'data-testid="calendar"' in text(r)
    assert r["HX-Retarget"] == "#booking-area"
    r = post_booking(c, sem, at(day, 6), at(day, 15), **shown(day))  # breaks the rules: the message only
    html = text(r)
    assert r.status_code == 422 and "该时段不能预约" in html and 'data-testid="calendar"' not in html
    assert "HX-Retarget" not in r and 'id="booking-form"' not in html
    r = c.post(f"/instruments/{sem.pk}/book/", {"purpose": "", **shown(day)}, **HTMX)  # the form's errors: the panel
    html = text(r)
    assert r.status_code == 422 and r["HX-Retarget"] == "#booking-panel-slot"
    assert 'id="booking-form"' in html and "请填写预约用途。" in html and 'data-testid="calendar"' not in html


def test_api_booking_queries(users, sem, client):
    token = api_token_create(user=users["member"])
    day = workday()

    def post(start, end):
        return client.post(
            f"/api/v1/instruments/{sem.pk}/bookings",
            json.dumps({"start": start.isoformat(), "end": end.isoformat()}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )

    assert post(at(day, 14), at(day, 15)).status_code == 201
    with CaptureQueriesContext(connection) as ctx:
        r = post(at(day, 9), at(day, 10))
    assert r.status_code == 201
    assert len(statements(ctx)) <= on_this_backend(API_QUERIES), "\n".join(q[:150] for q in statements(ctx))


def test_quote_for_the_chosen_slot(users, nmr, sem, login_as):
    c = login_as("member")  # org_ln: outside the Jilin NMR (650 元/小时 outside), inside the SEM's
    day = workday()
    r = c.get(f"/instruments/{nmr.pk}/book/quote/", {"start": f"{day}T09:00", "end": f"{day}T10:30"})
    html = text(r)
    assert r.status_code == 200 and 'data-testid="booking-quote"' in html
    assert "¥975.00" in html and "650.00 元/小时 × 1.50 小时" in html
    assert "需审批" in html and "免责取消截止" in html and 'data-testid="quote-rules"' in html
    r = c.get(f"/instruments/{sem.pk}/book/quote/", {"start": f"{day}T09:00", "end": f"{day}T10:00"})
    assert "无需审批" in text(r)
    # nothing to quote: an unreadable slot, or nobody signed in
    assert c.get(f"/instruments/{sem.pk}/book/quote/", {"start": "x", "end": ""}).content == b""
    c.logout()
    assert c.get(f"/instruments/{sem.pk}/book/quote/", {"start": f"{day}T09:00", "end": f"{day}T10:00"}).content == b""


def test_the_quote_names_the_chosen_account_and_what_it_has_left(users, nmr, org_ln, login_as):
    from decimal import Decimal

    from nesta.instruments.models import PayerAccount

    mine = PayerAccount.objects.create(
        organization=org_ln, code="KJ-2026-001", name="重点研发计划课题", spending_limit=Decimal("1000.00")
    )
    other_org = PayerAccount.objects.create(organization=nmr.owner, code="JL-9", name="别人的账户")
    c = login_as("member")
    day = workday()
    slot = {"start": f"{day}T09:00", "end": f"{day}T10:30"}  # ¥975.00 at the outside rate
    html = text(c.get(f"/instruments/{nmr.pk}/book/quote/", {**slot, "account_id": mine.pk}))
    assert 'data-testid="quote-account"' in html and "KJ-2026-001 重点研发计划课题" in html
    assert "额度剩余 ¥1000.00" in html and 'data-testid="quote-over-limit"' not in html
    slot["end"] = f"{day}T11:00"  # ¥1300.00: more than is left
    html = text(c.get(f"/instruments/{nmr.pk}/book/quote/", {**slot, "account_id": mine.pk}))
    assert 'data-testid="quote-over-limit"' in html
    # another organisation's account, or a bad id, is not named
    for bad in (other_org.pk, "abc", 0, 2**40):
        html = text(c.get(f"/instruments/{nmr.pk}/book/quote/", {**slot, "account_id": bad}))
        assert 'data-testid="booking-quote"' in html and 'data-testid="quote-account"' not in html
