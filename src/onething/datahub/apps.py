from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DatahubConfig(AppConfig):
    name = "onething.datahub"
    label = "datahub"
    verbose_name = _("共享数据")
