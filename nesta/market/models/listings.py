"""A listing: something an organisation offers or needs on the technology market.

One table for every kind (`ListingKind`): the fields every kind has, the facets search and
matching read as columns (field, region, maturity, IP type, price range), and the kind's own
fields in `details`, validated per kind by `nesta.market.kinds` before any write.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from nesta.core.models import Region, TaxonomyNode, TimeStampedModel
from nesta.core.permissions import Target
from nesta.directory.models import Organization
from nesta.market.models.choices import IPType, ListingKind, ListingStatus, Maturity

MONEY = {"max_digits": 14, "decimal_places": 2}


class Listing(TimeStampedModel):
    kind = models.CharField(_("类别"), max_length=20, choices=ListingKind.choices)
    status = models.CharField(_("状态"), max_length=12, choices=ListingStatus.choices, default=ListingStatus.DRAFT)
    organization = models.ForeignKey(
        Organization, verbose_name=_("发布单位"), on_delete=models.PROTECT, related_name="market_listings"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="market_listings",
    )
    title = models.CharField(_("标题"), max_length=120)
    summary = models.TextField(_("简介"), max_length=4000)
    keywords = models.CharField(_("关键词"), max_length=300, blank=True, help_text=_("以逗号或空格分隔"))
    field = models.ForeignKey(
        TaxonomyNode, verbose_name=_("所属领域"), on_delete=models.PROTECT, related_name="market_listings"
    )
    province = models.ForeignKey(
        Region,
        verbose_name=_("省份"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": "province"},
    )
    city = models.ForeignKey(
        Region,
        verbose_name=_("城市"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": "city"},
    )
    # Contacts: shown to the public only after the owner accepts an interest (see negotiation).
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    contact_email = models.EmailField(_("联系邮箱"), blank=True)
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    # Facets (blank/null where the kind has none):
    #   achievement: maturity, ip_type, price = asking price (null = 面议)
    #   demand: price_high = budget; property_right: price_low = floor price
    #   financing: price_low..price_high = amount sought; investor: the ticket range
    maturity = models.CharField(_("成熟度"), max_length=12, choices=Maturity.choices, blank=True)
    ip_type = models.CharField(_("知识产权类型"), max_length=20, choices=IPType.choices, blank=True)
    price_low = models.DecimalField(_("价格/金额下限(元)"), null=True, blank=True, **MONEY)
    price_high = models.DecimalField(_("价格/金额上限(元)"), null=True, blank=True, **MONEY)
    price_negotiable = models.BooleanField(_("面议"), default=False)
    details = models.JSONField(_("类别专有信息"), default=dict, blank=True)
    # The lifecycle's stamps (lifecycles/listing.py).
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    approved_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    negotiating_at = models.DateTimeField(_("进入洽谈时间"), null=True, blank=True)
    dealt_at = models.DateTimeField(_("成交时间"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    expired_at = models.DateTimeField(_("过期时间"), null=True, blank=True)
    returned_at = models.DateTimeField(_("退回时间"), null=True, blank=True)
    review_note = models.CharField(_("审核意见"), max_length=500, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reference_key = models.CharField(max_length=40, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("技术市场信息")
        verbose_name_plural = _("技术市场信息")
        indexes = [
            # the newest-first list (selectors/search.py): one range per status, or per kind and
            # status, read in (published_at, id) order and cut at the page, no sort
            models.Index(fields=["kind", "status", "-published_at", "-id"], name="market_kind_status_pub_id"),
            models.Index(fields=["status", "-published_at", "-id"], name="market_status_pub_id"),
            models.Index(fields=["organization", "status"], name="market_org_status"),
            models.Index(fields=["province", "kind", "status"], name="market_prov_kind_status"),
            models.Index(fields=["status", "valid_until"], name="market_status_valid"),
        ]
        constraints = [
            models.CheckConstraint(
                name="market_price_nonnegative",
                condition=(Q(price_low__isnull=True) | Q(price_low__gte=0))
                & (Q(price_high__isnull=True) | Q(price_high__gte=0)),
            ),
            models.CheckConstraint(
                name="market_price_ordered",
                condition=Q(price_low__isnull=True) | Q(price_high__isnull=True) | Q(price_high__gte=F("price_low")),
            ),
            models.CheckConstraint(name="market_kind_valid", condition=Q(kind__in=ListingKind.values)),
            models.CheckConstraint(name="market_status_valid", condition=Q(status__in=ListingStatus.values)),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("market:listing_detail", args=[self.pk])

    def permission_target(self) -> Target:
        return Target(province_code=self.province.code, organization_id=self.organization_id)

    @property
    def keyword_list(self) -> list[str]:
        return [k for k in self.keywords.replace("，", ",").replace("、", ",").replace(" ", ",").split(",") if k]

    @property
    def is_state_owned(self) -> bool:
        return self.kind == ListingKind.PROPERTY_RIGHT and bool(self.details.get("state_owned"))
