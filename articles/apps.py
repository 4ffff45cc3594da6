from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Redaksi")

    def ready(self):
        # Registering needs the app registry ready; importing it at the top would be too early.
        from .delivery import checks  # noqa: F401 - registers the deployment checks
        from .readers import checks as reader_checks  # noqa: F401 - and the version check
        from .readers import signals

        signals.connect()  # reference data purges the pages showing it, however changed
