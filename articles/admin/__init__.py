"""The editors' desk (Django admin), the top floor: it may import every wing below it,
and nothing imports it but Django's admin autodiscovery and the tests.

One module per admin family, each registering its own: `stories` (with the story's
extra pages in `story_views`), `network` (sites), `reference` (editors, sources, kanal,
tags, photos, partners), `curation` (picks, topics), `collaboration`
(notifications, assignments), `accounts` (users and roles, and who may grant what). Every form is in
`forms`, as in `django.contrib.auth`.
"""

from . import accounts, collaboration, curation, network, reference, stories  # noqa: F401 - register
from .forms import ArticleAdminForm

__all__ = ["ArticleAdminForm"]
