"""Interest in a listing and the private negotiation thread that follows it.

A thread is readable by the two parties (the interested organisation's people and the listing's
owner organisation) and by the operator (the office, and the listing's province); no one else.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from nesta.core.models import TimeStampedModel
from nesta.core.permissions import Target
from nesta.directory.models import Organization
from nesta.market.models.listings import Listing


class Interest(TimeStampedModel):
    class Status(models.TextChoices):
        OPEN = "open", _("待答复")
        ACCEPTED = "accepted", _("已接受")
        DECLINED = "declined", _("已婉拒")
        WITHDRAWN = "withdrawn", _("已撤回")
        CLOSED = "closed", _("已结束")

    ACTIVE = ("open", "accepted")

    listing = models.ForeignKey(Listing, verbose_name=_("信息"), on_delete=models.CASCADE, related_name="interests")
    organization = models.ForeignKey(
        Organization, verbose_name=_("意向单位"), on_delete=models.PROTECT, related_name="market_interests"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("意向人"), on_delete=models.PROTECT, related_name="market_interests"
    )
    message = models.TextField(_("意向说明"), max_length=2000)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    answer = models.CharField(_("答复"), max_length=500, blank=True)
    accepted_at = models.DateTimeField(_("接受时间"), null=True, blank=True)
    declined_at = models.DateTimeField(_("婉拒时间"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    last_message_at = models.DateTimeField(_("最近消息"), null=True, blank=True)
    # Each side's read mark: the other side's messages after it are that side's unread ones.
    party_read_at = models.DateTimeField(_("意向方已读至"), null=True, blank=True)
    owner_read_at = models.DateTimeField(_("信息方已读至"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("合作意向")
        verbose_name_plural = _("合作意向")
        indexes = [models.Index(fields=["listing", "status"]), models.Index(fields=["organization", "status"])]
        constraints = [
            # one live interest per organisation and listing
            models.UniqueConstraint(
                fields=["listing", "organization"],
                condition=Q(status__in=("open", "accepted")),
                name="uniq_active_market_interest",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} → {self.listing}"

    def permission_target(self) -> Target:
        # the listing's side decides (accept/decline); the interested side acts as "self"
        listing = self.listing
        return Target(province_code=listing.province.code, organization_id=listing.organization_id)


class ThreadMessage(models.Model):
    interest = models.ForeignKey(Interest, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField(_("内容"), max_length=4000, blank=True)
    attachment = models.FileField(_("附件"), upload_to="market/threads/%Y/%m/", max_length=200, blank=True)
    attachment_name = models.CharField(_("附件名"), max_length=120, blank=True)
    attachment_size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("发送时间"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("洽谈消息")
        verbose_name_plural = _("洽谈消息")

    def __str__(self) -> str:
        return f"#{self.interest_id} {self.author_id}"
