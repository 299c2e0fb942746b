"""Testing orders on the web: an order's page shows exactly the steps the user may take, and the
permission matrix of the page, of the report download and of each step."""

from urllib.parse import unquote

import pytest

from tests.web.conftest import text
from tests.web.orders.conftest import (
    PDF,
    ROLES,
    S,
    client_of,
    detail_url,
    is_login_redirect,
    order_audits,
    order_in,
    post_step,
    shown_actions,
    step_url,
)

pytestmark = pytest.mark.django_db


# --- the actions shown are exactly the allowed ones ------------------------------------------------

SHOWN = {
    # state: {role: actions shown}
    S.SUBMITTED: {"customer": {"cancel"}, "manager": {"quote"}, "office": {"quote"}, "customer_admin": set()},
    S.QUOTED: {"customer": {"confirm", "cancel"}, "manager": {"quote"}, "office": {"quote"}, "customer_admin": set()},
    S.CONFIRMED: {"customer": {"cancel"}, "manager": {"receive"}, "office": {"receive"}, "customer_admin": set()},
    S.RECEIVED: {"customer": set(), "manager": {"start"}, "office": {"start"}, "customer_admin": set()},
    S.TESTING: {"customer": set(), "manager": {"report"}, "office": {"report"}, "customer_admin": set()},
    S.REPORTED: {"customer": set(), "manager": {"settle"}, "office": {"settle"}, "customer_admin": set()},
    S.SETTLED: {"customer": set(), "manager": set(), "office": set(), "customer_admin": set()},
    S.CANCELLED: {"customer": set(), "manager": set(), "office": set(), "customer_admin": set()},
}


@pytest.mark.parametrize("state", list(SHOWN))
def test_detail_shows_exactly_the_allowed_actions(state, item, people):
    order = order_in(state, item, people)
    for role, expected in SHOWN[state].items():
        r = client_of(people, role).get(detail_url(order))
        assert r.status_code == 200
        assert shown_actions(text(r)) == expected, (state, role)
        assert r.context["actions"] == sorted(
            expected, key=["quote", "receive", "start", "report", "settle", "confirm", "cancel"].index
        )
        assert ('data-testid="download-report"' in text(r)) == (state in (S.REPORTED, S.SETTLED))


# --- the permission matrix ---------------------------------------------------------------------------

VIEW = {
    "customer": 200,
    "colleague": 403,
    "manager": 200,
    "other_manager": 403,
    "customer_admin": 200,
    "office": 200,
    "anonymous": "login",
}


@pytest.mark.parametrize("role", ROLES)
def test_detail_page_matrix(role, item, people):
    order = order_in(S.SUBMITTED, item, people)
    r = client_of(people, role).get(detail_url(order))
    expected = VIEW[role]
    if expected == "login":
        assert is_login_redirect(r) and f"next={detail_url(order)}" in unquote(r["Location"])
    else:
        assert r.status_code == expected
        if expected == 200:
            assert f"检测委托 #{order.pk}" in text(r)
        else:
            assert 'data-testid="error-403"' in text(r) and "SEM 形貌观察" not in text(r)


@pytest.mark.parametrize("role", ROLES)
def test_report_download_matrix(role, item, people):
    order = order_in(S.REPORTED, item, people)
    r = client_of(people, role).get(f"/instruments/orders/{order.pk}/report/")
    expected = VIEW[role]
    if expected == "login":
        assert is_login_redirect(r)
    else:
        assert r.status_code == expected
        if expected == 200:
            assert b"".join(r.streaming_content) == PDF


STAFF = {"manager", "office"}
CUSTOMER = {"customer"}
ACTIONS = [
    # (url step, state before, state after, who may)
    ("quote", S.SUBMITTED, S.QUOTED, STAFF),
    ("confirm", S.QUOTED, S.CONFIRMED, CUSTOMER),
    ("receive", S.CONFIRMED, S.RECEIVED, STAFF),
    ("start", S.RECEIVED, S.TESTING, STAFF),
    ("upload-report", S.TESTING, S.REPORTED, STAFF),
    ("settle", S.REPORTED, S.SETTLED, STAFF),
    ("cancel", S.SUBMITTED, S.CANCELLED, CUSTOMER),
]


@pytest.mark.parametrize("step,before,after,allowed", ACTIONS, ids=[a[0] for a in ACTIONS])
@pytest.mark.parametrize("role", ROLES)
def test_action_matrix(role, step, before, after, allowed, item, people):
    order = order_in(before, item, people)
    audits = len(order_audits(order))
    r = post_step(client_of(people, role), order, step)
    order.refresh_from_db()
    if role == "anonymous":
        assert is_login_redirect(r)
        assert order.status == before
    elif role in allowed:
        assert (r.status_code, r["Location"]) == (302, detail_url(order))
        assert order.status == after
        assert len(order_audits(order)) == audits + 1
    else:
        assert r.status_code == 403
        assert order.status == before and len(order_audits(order)) == audits


def test_steps_are_post_only(item, people):
    order = order_in(S.SUBMITTED, item, people)
    assert client_of(people, "manager").get(step_url(order, "quote")).status_code == 405
    assert client_of(people, "customer").get(step_url(order, "cancel")).status_code == 405


def test_unknown_order_is_404(people, item):
    assert client_of(people, "office").get("/instruments/orders/999999/").status_code == 404
    assert client_of(people, "office").post("/instruments/orders/999999/receive/").status_code == 404
    assert client_of(people, "customer").get("/instruments/services/999999/order/").status_code == 404
