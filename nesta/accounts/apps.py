from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "nesta.accounts"
    label = "accounts"
    verbose_name = _("账户与角色")

    def ready(self) -> None:
        from nesta.accounts.models import ApiToken, RoleAssignment, User
        from nesta.accounts.services import api_token_user
        from nesta.core.registry import registry

        registry.token_authenticator(lambda key: api_token_user(key=key))

        registry.audit_model(User)
        registry.audit_model(RoleAssignment)
        registry.audit_model(ApiToken)
