from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Redaksi")

    def ready(self):
        from . import checks  # noqa: F401 - registers the deployment checks
