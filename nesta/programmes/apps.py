from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "nesta.programmes"
    label = "programmes"
    verbose_name = _("计划与经费")
