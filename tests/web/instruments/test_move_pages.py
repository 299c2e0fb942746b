"""改期 (moving a booking) and 代为预约 (a manager booking for a user) on the web."""

import pytest

from nesta.core.models import Notification
from nesta.instruments.models import Booking
from tests.factories import OrganizationFactory, UserFactory, grant
from tests.web.instruments.conftest import at, book, local, workday

pytestmark = pytest.mark.django_db


def move_url(b):
    return f"/instruments/bookings/{b.pk}/move/"


def test_my_bookings_offer_move_and_the_page_shows_the_days_free_slots(login_as, users, sem):
    day = workday()
    b = book(users["member"], sem, at(day, 9), at(day, 11))
    client = login_as("member")
    page = client.get("/instruments/my/").content.decode()
    assert f'href="{move_url(b)}"' in page
    response = client.get(move_url(b))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="move-grid"' in html and 'data-testid="move-slot"' in html
    assert "当前时段" in html  # the booking's own cells may be chosen (a shift within itself)
    assert f'value="{local(at(day, 14))}' in html or at(day, 14).isoformat() in html


def test_choosing_a_free_slot_moves_it_and_keeps_its_length(login_as, users, sem):
    day = workday()
    b = book(users["member"], sem, at(day, 9), at(day, 11))
    response = login_as("member").post(move_url(b), {"slot": at(day, 14).isoformat(), "date": day.isoformat()})
    assert response.status_code == 302 and response["Location"] == "/instruments/my/"
    row = Booking.objects.get(pk=b.pk)
    assert (row.start, row.end) == (at(day, 14), at(day, 16))
    assert Notification.objects.filter(user=users["instrument_manager"], kind="booking_moved").exists()


def test_typed_start_and_end_resize_it(login_as, users, sem):
    day = workday()
    b = book(users["member"], sem, at(day, 9), at(day, 11))
    response = login_as("member").post(move_url(b), {"start": local(at(day, 10)), "end": local(at(day, 13))})
    assert response.status_code == 302
    row = Booking.objects.get(pk=b.pk)
    assert (row.start, row.end) == (at(day, 10), at(day, 13))


def test_a_taken_slot_or_a_broken_rule_is_422_with_the_reason(login_as, users, sem, org_ln):
    day = workday()
    b = book(users["member"], sem, at(day, 9), at(day, 11))
    other = grant(UserFactory(username="t_other", organization=org_ln), "member", organization=org_ln)
    book(other, sem, at(day, 14), at(day, 15))
    client = login_as("member")
    taken = client.post(move_url(b), {"start": local(at(day, 14)), "end": local(at(day, 16))})
    assert taken.status_code == 422 and "已被预约" in taken.content.decode()
    night = client.post(move_url(b), {"start": local(at(day, 5)), "end": local(at(day, 6))})
    assert night.status_code == 422 and "预约须在每日" in night.content.decode()
    empty = client.post(move_url(b), {})
    assert empty.status_code == 422
    assert Booking.objects.get(pk=b.pk).start == at(day, 9)


def test_the_manager_moves_from_the_manager_page_and_the_booker_is_told(login_as, users, sem):
    day = workday()
    b = book(users["member"], sem, at(day, 9), at(day, 11))
    client = login_as("instrument_manager")
    page = client.get(f"/instruments/{sem.pk}/manage/").content.decode()
    assert f"{move_url(b)}?next=" in page and 'data-testid="on-behalf-form"' in page
    manage = f"/instruments/{sem.pk}/manage/"
    response = client.post(move_url(b), {"slot": at(day, 15).isoformat(), "next": manage})
    assert response.status_code == 302 and response["Location"] == manage
    assert Notification.objects.filter(user=users["member"], kind="booking_moved").exists()


@pytest.mark.parametrize("role,status", [("member", 403), ("expert", 403), ("office", 200), ("org_admin", 200)])
def test_who_may_open_the_move_page(login_as, users, sem, role, status, org_ln):
    day = workday()
    owner = grant(UserFactory(username="t_owner", organization=org_ln), "member", organization=org_ln)
    b = book(owner, sem, at(day, 9), at(day, 11))
    assert login_as(role).get(move_url(b)).status_code == status


def test_anonymous_goes_to_login_and_a_missing_booking_is_404(client, login_as):
    response = client.get("/instruments/bookings/1/move/")
    assert response.status_code == 302 and "/login" in response["Location"]
    assert login_as("member").get("/instruments/bookings/99999/move/").status_code == 404


def test_a_hostile_slot_or_date_is_not_a_500(login_as, users, sem):
    day = workday()
    b = book(users["member"], sem, at(day, 9), at(day, 11))
    client = login_as("member")
    assert client.post(move_url(b), {"slot": "0001-01-01T00:00"}).status_code == 422
    assert client.post(move_url(b), {"slot": "garbage"}).status_code == 422
    assert client.get(move_url(b) + "?date=99999-01-01").status_code == 200
    assert client.get(move_url(b) + "?next=https://evil.example/").status_code == 200
    response = client.post(move_url(b), {"slot": at(day, 14).isoformat(), "next": "https://evil.example/"})
    assert response["Location"] == "/instruments/my/"


# --- 代为预约 ----------------------------------------------------------------------------------


def test_the_manager_books_on_behalf_by_username_or_email(login_as, users, sem):
    day = workday()
    users["member"].email = "member@example.org"
    users["member"].save()
    client = login_as("instrument_manager")
    url = f"/instruments/{sem.pk}/manage/book-for/"
    data = {"user": "t_member", "start": local(at(day, 9)), "end": local(at(day, 10)), "purpose": "代约测试"}
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] == f"/instruments/{sem.pk}/manage/"
    b = Booking.objects.get(instrument=sem)
    assert (b.user_id, b.booked_by_id) == (users["member"].pk, users["instrument_manager"].pk)
    assert Notification.objects.filter(user=users["member"], kind="booking_on_behalf").exists()
    by_mail = {**data, "user": "MEMBER@example.org", "start": local(at(day, 11)), "end": local(at(day, 12))}
    assert client.post(url, by_mail).status_code == 302
    assert Booking.objects.filter(user=users["member"], booked_by=users["instrument_manager"]).count() == 2


def test_on_behalf_failures_are_422_with_the_reason(login_as, users, sem):
    day = workday()
    client = login_as("instrument_manager")
    url = f"/instruments/{sem.pk}/manage/book-for/"
    nobody = client.post(url, {"user": "nobody", "start": local(at(day, 9)), "end": local(at(day, 10))})
    assert nobody.status_code == 422 and "未找到该用户" in nobody.content.decode()
    night = client.post(url, {"user": "t_member", "start": local(at(day, 3)), "end": local(at(day, 4))})
    assert night.status_code == 422 and "预约须在每日" in night.content.decode()
    assert not Booking.objects.exists()


def test_only_staff_book_on_behalf(login_as, sem):
    url = f"/instruments/{sem.pk}/manage/book-for/"
    assert login_as("member").get(url).status_code == 403
    assert login_as("member").post(url, {"user": "t_member"}).status_code == 403
    assert login_as("instrument_manager").get(url).status_code == 200


def test_a_manager_of_another_organisation_cannot_book_on_behalf(client, sem):
    org = OrganizationFactory(province_code="220000", city_code="220100")
    other = grant(UserFactory(username="t_mgr_jl", organization=org), "instrument_manager", organization=org)
    client.force_login(other)
    assert client.get(f"/instruments/{sem.pk}/manage/book-for/").status_code == 403


def test_only_starts_where_the_whole_booking_fits_are_offered(login_as, users, sem, org_ln):
    day = workday()
    b = book(users["member"], sem, at(day, 9), at(day, 11))
    other = grant(UserFactory(username="t_other", organization=org_ln), "member", organization=org_ln)
    book(other, sem, at(day, 14), at(day, 15))
    html = login_as("member").get(move_url(b)).content.decode()

    def offered(hh, mm=0):
        return f'data-start="{local(at(day, hh, mm))}"' in html

    assert offered(9) and offered(10) and offered(12)  # its own time, and a free two hours
    assert not offered(13) and not offered(13, 30) and not offered(14)  # would run into 14:00–15:00
    assert offered(15) and offered(20) and not offered(20, 30)  # 20:30 + 2 h is past closing (22:00)
