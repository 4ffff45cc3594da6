"""Only `articles/models.py` still imports this path (`articles.readers.precompiled` is the module);
it goes when models.py becomes the `articles/models/` package."""

from articles.readers.precompiled import story_page_query  # noqa: F401
