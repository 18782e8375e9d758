from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "onething.webhooks"
    label = "webhooks"
    verbose_name = _("部门系统回调")
