"""Only `articles/models.py` still imports this path (`articles.readers.search` is the module);
it goes when models.py becomes the `articles/models/` package."""

from articles.readers.search import matching  # noqa: F401
