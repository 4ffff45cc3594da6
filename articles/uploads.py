"""The old home of `articles.media.images`, kept for migration 0004 alone.

That migration names `articles.uploads.PhotoImageField` and `validate_photo`, and a
migration never changes once applied; new code imports `articles.media.images`.
"""

from .media.images import PhotoImageField, validate_photo

__all__ = ["PhotoImageField", "validate_photo"]
