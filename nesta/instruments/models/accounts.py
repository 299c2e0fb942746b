"""Who pays (NEMO's projects and accounts, iLab's cost centres): an organisation's payer accounts —
a research project or a 经费卡号 — to which bookings, testing orders and their charges go."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from nesta.core.models import TimeStampedModel
from nesta.core.permissions import Target
from nesta.directory.models import Organization
from nesta.instruments.models.registry import MONEY


class PayerAccount(TimeStampedModel):
    class Kind(models.TextChoices):
        PROJECT = "project", _("科研项目")
        CARD = "card", _("经费卡")
        OTHER = "other", _("其他")

    organization = models.ForeignKey(
        Organization, verbose_name=_("所属单位"), on_delete=models.PROTECT, related_name="payer_accounts"
    )
    code = models.CharField(_("经费卡号/项目编号"), max_length=40)
    name = models.CharField(_("账户名称"), max_length=120)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.CARD)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("负责人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="held_payer_accounts",
    )
    valid_from = models.DateField(_("有效期起"), null=True, blank=True)
    valid_until = models.DateField(_("有效期止"), null=True, blank=True)
    spending_limit = models.DecimalField(
        _("支出上限(元)"), null=True, blank=True, help_text=_("留空表示不设上限"), **MONEY
    )
    is_active = models.BooleanField(_("启用"), default=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        ordering = ["organization", "code"]
        verbose_name = _("经费账户")
        verbose_name_plural = _("经费账户")
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="uniq_payer_account_code"),
            models.CheckConstraint(
                name="payer_limit_nonnegative", condition=Q(spending_limit__isnull=True) | Q(spending_limit__gte=0)
            ),
            models.CheckConstraint(
                name="payer_validity_ordered",
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_until__gte=models.F("valid_from")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def permission_target(self) -> Target:
        return Target(organization_id=self.organization_id, user_id=self.holder_id)
