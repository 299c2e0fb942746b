from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstrumentsConfig(AppConfig):
    name = "nesta.instruments"
    label = "instruments"
    verbose_name = _("大型科学仪器协作共用")
