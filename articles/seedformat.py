"""Only `articles/models.py` still imports this path (`articles.seeds.format` is the module);
it goes when models.py becomes the `articles/models/` package."""

from articles.seeds.format import (  # noqa: F401
    body_parts,
    format_date_line,
    is_page_break,
    text_paragraphs,
)
