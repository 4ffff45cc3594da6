"""The editors' desk (Django admin): the top floor, which may import every wing below."""

from .stories import ArticleAdminForm

__all__ = ["ArticleAdminForm"]
