"""Online bidding (网络竞价) for property-right listings.

A round opens when two or more qualified buyers have registered (state-asset rule). Bids ascend
by at least the minimum increment from the floor price; a bid inside the last `extend_minutes`
pushes the close back by that much (延时竞价), so no one wins by sniping. Exactly one winner:
the highest bid when the round closes.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from nesta.core.models import TimeStampedModel
from nesta.core.permissions import Target
from nesta.directory.models import Organization
from nesta.market.models.listings import MONEY, Listing


class BiddingRound(TimeStampedModel):
    LIVE = ("registering", "open")

    class Status(models.TextChoices):
        REGISTERING = "registering", _("报名中")
        OPEN = "open", _("竞价中")
        CLOSED = "closed", _("已成交")
        FAILED = "failed", _("流拍")
        CANCELLED = "cancelled", _("已取消")

    class Outcome(models.TextChoices):
        NONE = "", _("未结束")
        AUCTION = "auction", _("竞价成交")
        # one qualified buyer at the start: no auction; the sole buyer takes it at the start
        # price (≥ the floor) by agreement — 协议转让 (status closed, winner set, no bids)
        NEGOTIATED = "negotiated", _("协议转让")
        NO_BIDDERS = "no_bidders", _("无合格竞买人，流拍")
        NO_BIDS = "no_bids", _("无人出价，流拍")
        CANCELLED = "cancelled", _("已取消")

    listing = models.ForeignKey(
        Listing, verbose_name=_("标的"), on_delete=models.PROTECT, related_name="bidding_rounds"
    )
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.REGISTERING)
    registration_deadline = models.DateTimeField(_("报名截止"))
    starts_at = models.DateTimeField(_("竞价开始"))
    ends_at = models.DateTimeField(_("竞价截止"), help_text=_("延时后的实际截止时间"))
    scheduled_end = models.DateTimeField(_("原定截止"))
    start_price = models.DecimalField(_("起始价(元)"), **MONEY)
    min_increment = models.DecimalField(_("加价幅度(元)"), **MONEY)
    extend_minutes = models.PositiveSmallIntegerField(_("延时周期(分钟)"), default=5)
    deposit = models.DecimalField(_("保证金(元)"), null=True, blank=True, **MONEY)
    best_amount = models.DecimalField(_("当前最高价(元)"), null=True, blank=True, **MONEY)
    best_bid = models.ForeignKey("Bid", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    bid_count = models.PositiveIntegerField(default=0)
    winner = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    result_published_until = models.DateField(_("结果公示至"), null=True, blank=True)
    outcome = models.CharField(_("结果"), max_length=12, choices=Outcome.choices, blank=True, default="")
    outcome_note = models.CharField(_("结果说明"), max_length=300, blank=True)
    final_amount = models.DecimalField(_("成交价(元)"), null=True, blank=True, **MONEY)
    opened_at = models.DateTimeField(_("开始竞价时间"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("竞价场次")
        verbose_name_plural = _("竞价场次")
        indexes = [models.Index(fields=["status", "ends_at"])]
        constraints = [
            models.CheckConstraint(name="bidding_times_ordered", condition=Q(ends_at__gte=F("starts_at"))),
            models.CheckConstraint(name="bidding_increment_positive", condition=Q(min_increment__gt=0)),
            models.CheckConstraint(name="bidding_start_nonnegative", condition=Q(start_price__gte=0)),
            models.CheckConstraint(
                name="bidding_registration_before_start", condition=Q(registration_deadline__lte=F("starts_at"))
            ),
            # one live round (registering or open) per listing at a time
            models.UniqueConstraint(
                fields=["listing"], condition=Q(status__in=("registering", "open")), name="uniq_live_round_per_listing"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.listing} #{self.pk}"

    def permission_target(self) -> Target:
        return self.listing.permission_target()


class BidderRegistration(TimeStampedModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("待资格审核")
        QUALIFIED = "qualified", _("资格合格")
        REJECTED = "rejected", _("资格不符")
        WITHDRAWN = "withdrawn", _("已退出")

    round = models.ForeignKey(BiddingRound, on_delete=models.CASCADE, related_name="registrations")
    organization = models.ForeignKey(
        Organization, verbose_name=_("竞买单位"), on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    bidder_code = models.CharField(_("竞买号"), max_length=8, blank=True, help_text=_("公示时代替单位名称"))
    note = models.CharField(_("说明"), max_length=300, blank=True)
    qualified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("竞买报名")
        verbose_name_plural = _("竞买报名")
        constraints = [
            models.UniqueConstraint(fields=["round", "organization"], name="uniq_bidder_per_round"),
            models.UniqueConstraint(
                fields=["round", "bidder_code"], condition=~Q(bidder_code=""), name="uniq_bidder_code_per_round"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bidder_code or self.organization_id} @ {self.round_id}"

    def permission_target(self) -> Target:
        # the operator decides on registrations where the round's listing is
        return self.round.listing.permission_target()


class Bid(models.Model):
    round = models.ForeignKey(BiddingRound, on_delete=models.CASCADE, related_name="bids")
    registration = models.ForeignKey(BidderRegistration, on_delete=models.PROTECT, related_name="bids")
    amount = models.DecimalField(_("出价(元)"), **MONEY)
    created_at = models.DateTimeField(_("出价时间"), db_index=True)
    extended_to = models.DateTimeField(_("延时至"), null=True, blank=True)

    class Meta:
        ordering = ["-amount", "created_at", "id"]
        verbose_name = _("出价")
        verbose_name_plural = _("出价")
        constraints = [
            # two bids of one amount in one round cannot both stand (exactly one winner)
            models.UniqueConstraint(fields=["round", "amount"], name="uniq_bid_amount_per_round"),
            models.CheckConstraint(name="bid_amount_positive", condition=Q(amount__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.round_id}: {self.amount}"
