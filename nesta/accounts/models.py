from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from nesta.core.permissions import Role


class User(AbstractUser):
    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    organization = models.ForeignKey(
        "directory.Organization",
        verbose_name=_("所属机构"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="users",
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username


class RoleAssignment(models.Model):
    """A role held by a user within a scope: the province role names its province, the
    organisation roles name their organisation; office and expert are region-wide."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("角色"), max_length=30, choices=Role.choices)
    province = models.ForeignKey(
        "core.Region", null=True, blank=True, on_delete=models.PROTECT, limit_choices_to={"level": "province"}
    )
    organization = models.ForeignKey("directory.Organization", null=True, blank=True, on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "province", "organization"], name="uniq_role_assignment"),
            # NULLs are distinct in unique constraints, so region-wide and scoped grants need their own.
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(province__isnull=True, organization__isnull=True),
                name="uniq_role_regionwide",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "province"], condition=Q(province__isnull=False), name="uniq_role_province"
            ),
            models.UniqueConstraint(
                fields=["user", "role", "organization"],
                condition=Q(organization__isnull=False),
                name="uniq_role_organization",
            ),
            models.CheckConstraint(
                name="role_scope_matches",
                condition=(
                    (Q(role="province") & Q(province__isnull=False) & Q(organization__isnull=True))
                    | (Q(role__in=["org_admin", "instrument_manager", "member"]) & Q(organization__isnull=False))
                    | (
                        Q(role__in=["office", "expert", "finance"])
                        & Q(organization__isnull=True)
                        & Q(province__isnull=True)
                    )
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("访问令牌")
        verbose_name_plural = _("访问令牌")

    def __str__(self) -> str:
        return f"{self.user} · {self.prefix}…"


class LoginAttempt(models.Model):
    """Failed logins, counted per username and per address to throttle guessing."""

    username = models.CharField(max_length=150, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["ip", "created_at"])]

    def __str__(self) -> str:
        return f"{self.username} @ {self.ip}"
