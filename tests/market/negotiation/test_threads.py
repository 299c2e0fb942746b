"""The thread of an interest: messages and documents between the two parties, unread counts,
the rate limit, and what an attachment must be (type by its bytes, size, a clean name)."""

import pytest
from django.utils import timezone

from nesta.core.errors import Conflict, RateLimited, ValidationFailed
from nesta.core.models import AuditLog, Notification
from nesta.market.models import Interest, ThreadMessage
from nesta.market.selectors import negotiation as selectors
from nesta.market.services import negotiation as services
from tests.market.negotiation.helpers import DOCX, PDF, XLSX, jpeg, ooxml, png, upload


@pytest.fixture
def interest(world):
    return services.interest_express(actor=world.party, listing_id=world.listing.pk, message="希望洽谈")


def post(world, interest, user=None, **kw):
    return services.thread_post(actor=user or world.party, interest_id=interest.pk, **kw)


def stored(media):
    return sorted(p.name for p in media.rglob("*") if p.is_file()) if media.exists() else []


def test_a_message_is_stored_audited_without_its_text_and_tells_the_other_side_once(world, interest):
    first = post(world, interest, body="请问贵所能否提供中试数据？")
    post(world, interest, body="另外想了解许可费用。")
    assert first.author == world.party and first.author_organization == world.party_org
    interest.refresh_from_db()
    assert interest.last_message_at is not None
    log = AuditLog.objects.filter(action="thread.message_posted").order_by("pk").first()
    assert log.changes == {"message": [None, first.pk]}
    assert "中试" not in str(log.changes)
    # one unread notification per thread and reader
    assert Notification.objects.filter(user=world.owner, kind="thread_message").count() == 1
    reply = post(world, interest, user=world.owner, body="可以，欢迎来所面谈。")
    assert reply.author_organization == world.owner_org
    assert Notification.objects.filter(user=world.party, kind="thread_message").count() == 1


def test_unread_counts_per_side(world, interest):
    post(world, interest, body="一")
    post(world, interest, body="二")
    owner_view = selectors.interest_get(user=world.owner, interest_id=interest.pk)
    party_view = selectors.interest_get(user=world.party, interest_id=interest.pk)
    assert owner_view.unread == 2 and party_view.unread == 0
    [listed] = selectors.interests_page(user=world.owner, box="received").items
    assert listed.unread == 2 and listed.interest.message_count == 2
    assert services.thread_mark_read(actor=world.owner, interest_id=interest.pk) is True
    assert selectors.interest_get(user=world.owner, interest_id=interest.pk).unread == 0
    assert services.thread_mark_read(actor=world.owner, interest_id=interest.pk) is False  # nothing to write
    post(world, interest, user=world.owner_member, body="三")
    assert selectors.interest_get(user=world.party, interest_id=interest.pk).unread == 1
    assert selectors.interest_get(user=world.owner, interest_id=interest.pk).unread == 0  # own side's


@pytest.mark.parametrize(
    "body,code",
    [("", "empty_message"), ("   ", "empty_message"), ("含\x1b[31m控制字符", None), ("长" * 4001, None)],
)
def test_the_text_is_clean_and_bounded(world, interest, body, code):
    with pytest.raises(ValidationFailed) as exc:
        post(world, interest, body=body)
    assert "body" in exc.value.details
    if code:
        assert exc.value.code == code
    assert not ThreadMessage.objects.exists()


def test_an_ended_negotiation_takes_no_messages_and_leaves_no_file(world, interest, media):
    services.interest_decline(actor=world.owner, interest_id=interest.pk, answer="暂不合作")
    with pytest.raises(Conflict) as exc:
        post(world, interest, body="再考虑一下？", attachment=upload("方案.pdf", PDF))
    assert exc.value.code == "thread_closed"
    assert stored(media) == [] and not ThreadMessage.objects.exists()


def test_posting_is_rate_limited(world, interest):
    for n in range(services.RATE_LIMITS[0][1]):
        post(world, interest, body=f"消息{n}")
    with pytest.raises(RateLimited) as exc:
        post(world, interest, body="再一条")
    assert exc.value.code == "too_many_messages" and exc.value.status == 429
    # another person of the same side has their own allowance
    post(world, interest, user=world.party_admin, body="我来补充")


@pytest.mark.parametrize(
    "name,content,ctype",
    [
        ("技术方案（第二版）.pdf", PDF, "application/pdf"),
        ("合作协议草案.docx", DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("检测数据.xlsx", XLSX, "application/octet-stream"),  # the browser's content type decides nothing
        ("样品照片.PNG", png(), "image/png"),
        ("现场.jpeg", jpeg(), "image/jpeg"),
    ],
)
def test_documents_of_each_type_are_stored_with_their_chinese_name(world, interest, media, name, content, ctype):
    message = post(world, interest, attachment=upload(name, content, ctype))
    assert message.attachment_name == name.replace(".PNG", ".png")
    assert message.attachment.name.startswith("market/threads/")
    assert "技术" not in message.attachment.name  # stored under a random name
    assert message.attachment_size > 0
    assert len(stored(media)) == 1


def test_an_image_is_re_encoded(world, interest, media):
    message = post(world, interest, attachment=upload("照片.png", png(trailer=b"MZ\x90\x00payload")))
    data = message.attachment.open("rb").read()
    assert data.startswith(b"\x89PNG") and b"payload" not in data


@pytest.mark.parametrize(
    "name,content",
    [
        ("报告.pdf", b"MZ\x90\x00" + b"\x00" * 100),  # an executable renamed
        ("报告.pdf", b"<html><script>alert(1)</script></html>"),
        ("报告.docx", PDF),
        ("报告.docx", b"PK\x03\x04" + b"\x00" * 50),  # a zip header and nothing behind it
        ("报告.docx", ooxml("xl/workbook.xml")),  # a spreadsheet renamed
        ("报告.docx", ooxml("word/document.xml", extra={"word/vbaProject.bin": b"macro"})),
        ("照片.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 10),
        ("照片.jpg", png()),
        ("工具.exe", b"MZ\x90\x00"),
        ("脚本.svg", b"<svg onload=alert(1)>"),
        ("无扩展名", PDF),
        ("空.pdf", b""),
    ],
)
def test_hostile_attachments_are_refused_and_leave_nothing(world, interest, media, name, content):
    with pytest.raises(ValidationFailed) as exc:
        post(world, interest, body="见附件", attachment=upload(name, content))
    assert "attachment" in exc.value.details
    assert stored(media) == [] and not ThreadMessage.objects.exists()


def test_an_oversized_attachment_is_refused(world, interest, media):
    big = PDF + b"0" * (services.ATTACHMENT_MAX_BYTES + 1 - len(PDF))
    with pytest.raises(ValidationFailed) as exc:
        post(world, interest, attachment=upload("大文件.pdf", big))
    assert "10 MB" in exc.value.details["attachment"][0]
    assert stored(media) == []


@pytest.mark.parametrize(
    "name",
    ["报告\x07.pdf", "报告\x00.pdf", "报告\u202efdp.exe.pdf", "报告\u200b.pdf", "a\nb.pdf", "报告\x7f.pdf"],
)
def test_control_and_formatting_characters_in_the_name_are_refused(world, interest, media, name):
    with pytest.raises(ValidationFailed) as exc:
        post(world, interest, attachment=upload(name, PDF))
    assert exc.value.code == "invalid_attachment"
    assert stored(media) == []


def test_a_path_in_the_name_is_dropped_and_unsafe_characters_replaced(world, interest, media):
    message = post(world, interest, attachment=upload('..\\..\\etc/方案:"终"?.pdf', PDF))
    assert message.attachment_name == "方案__终__.pdf"
    long = post(world, interest, attachment=upload("长" * 300 + ".pdf", PDF))
    assert len(long.attachment_name) == services.ATTACHMENT_NAME_MAX and long.attachment_name.endswith(".pdf")


def test_the_read_mark_is_no_audit_noise(world, interest):
    post(world, interest, body="你好")
    before = AuditLog.objects.count()
    services.thread_mark_read(actor=world.owner, interest_id=interest.pk, now=timezone.now())
    assert AuditLog.objects.count() == before
    assert Interest.objects.get(pk=interest.pk).owner_read_at is not None
