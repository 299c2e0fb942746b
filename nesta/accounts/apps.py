from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "nesta.accounts"
    label = "accounts"
    verbose_name = _("账户与角色")

    def ready(self) -> None:
        from nesta.accounts.models import ApiToken, RoleAssignment, User
        from nesta.core.registry import registry

        registry.audit_model(User)
        registry.audit_model(RoleAssignment)
        registry.audit_model(ApiToken)
