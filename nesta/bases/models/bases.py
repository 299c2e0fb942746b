"""A base: a national or provincial engineering (technology) research centre or key laboratory.

The base itself is a directory organisation (kind engineering_center or key_laboratory); the base
record adds what the office steers by: its level, host organisation (依托单位), priority-area field,
director, status and the history of that status.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from nesta.core.models import TaxonomyNode
from nesta.core.permissions import Target
from nesta.directory.models import Organization, OrganizationKind, Person


class BaseType(models.TextChoices):
    ENGINEERING_CENTER = "engineering_center", _("工程(技术)研究中心")
    KEY_LABORATORY = "key_laboratory", _("重点实验室")


class BaseLevel(models.TextChoices):
    NATIONAL = "national", _("国家级")
    PROVINCIAL = "provincial", _("省级")


class BaseStatus(models.TextChoices):
    BUILDING = "building", _("建设中")
    OPERATING = "operating", _("运行")
    RECTIFYING = "rectifying", _("整改")
    REVOKED = "revoked", _("撤销")


# The directory kind a base's own organisation must have, per base type.
DIRECTORY_KIND = {
    BaseType.ENGINEERING_CENTER: OrganizationKind.ENGINEERING_CENTER,
    BaseType.KEY_LABORATORY: OrganizationKind.KEY_LABORATORY,
}


class Base(models.Model):
    organization = models.OneToOneField(
        Organization, verbose_name=_("基地"), on_delete=models.PROTECT, related_name="base"
    )
    host = models.ForeignKey(
        Organization, verbose_name=_("依托单位"), on_delete=models.PROTECT, related_name="hosted_bases"
    )
    base_type = models.CharField(_("基地类型"), max_length=20, choices=BaseType.choices)
    level = models.CharField(_("级别"), max_length=10, choices=BaseLevel.choices)
    field = models.ForeignKey(TaxonomyNode, verbose_name=_("重点领域"), on_delete=models.PROTECT, related_name="bases")
    established_on = models.DateField(_("批准建设日期"))
    director = models.ForeignKey(
        Person, verbose_name=_("主任"), null=True, blank=True, on_delete=models.SET_NULL, related_name="directed_bases"
    )
    status = models.CharField(_("状态"), max_length=12, choices=BaseStatus.choices, default=BaseStatus.BUILDING)
    status_note = models.CharField(_("状态说明"), max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("创新基地")
        verbose_name_plural = _("创新基地")
        indexes = [models.Index(fields=["base_type", "level", "status"])]
        constraints = [
            # a base is never its own host: the host is the university, institute or enterprise
            models.CheckConstraint(name="base_host_is_not_itself", condition=~Q(host=models.F("organization"))),
            models.CheckConstraint(
                name="base_established_in_range",
                condition=Q(established_on__gte="1950-01-01") & Q(established_on__lte="2100-12-31"),
            ),
        ]

    def __str__(self) -> str:
        return self.organization.name

    def get_absolute_url(self) -> str:
        return reverse("bases:detail", args=[self.pk])

    def permission_target(self) -> Target:
        # The host organisation's people fill in the base's reports; its province checks them.
        return Target(province_code=self.host.province.code, organization_id=self.host_id)


class BaseStatusChange(models.Model):
    """One change of a base's status: the history the office reads (建设中 → 运行 → 整改 …)."""

    base = models.ForeignKey(Base, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("原状态"), max_length=12, choices=BaseStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=12, choices=BaseStatus.choices)
    reason = models.CharField(_("原因"), max_length=1000, blank=True)
    changed_on = models.DateField(_("生效日期"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["base", "changed_on", "id"]
        verbose_name = _("基地状态变更")
        verbose_name_plural = _("基地状态变更")

    def __str__(self) -> str:
        return f"{self.base_id}: {self.from_status} → {self.to_status}"
