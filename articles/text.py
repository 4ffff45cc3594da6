"""Story text as plain data: paragraphs, page breaks and date lines.

Floor 0 of `articles`: pure functions, no database, nothing of the project imported.
Models, the seed format (`seeds/format.py`), template tags, search and feeds build on it,
so that a story prints and splits its text one way everywhere.

A story body is paragraphs separated by a blank line. A paragraph that is only
`[halaman]` is a page break: readers get a new page there ("Halaman 2"). It is not a
paragraph of text: Baca Juga positions count the text paragraphs of the whole story
across breaks.
"""

MONTHS = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip

PAGE_BREAK = "[halaman]"


def format_date_line(local_time, zone):
    """`14 Mei 2022, 18:45 WIB` for a wall-clock time and a zone abbreviation."""
    month = MONTHS[local_time.month - 1]
    return f"{local_time.day} {month} {local_time.year}, {local_time:%H:%M} {zone}"


def is_page_break(paragraph):
    """A paragraph that is only the page-break marker (any case, spaces around)."""
    return paragraph.strip().lower() == PAGE_BREAK


def body_parts(body):
    """A text's paragraphs (and a story body's page-break markers), in order."""
    normalised = body.replace("\r\n", "\n")
    return [part.strip("\n") for part in normalised.split("\n\n") if part.strip()]


def text_paragraphs(body):
    """A story body's paragraphs of text: its page-break markers left out."""
    return [part for part in body_parts(body) if not is_page_break(part)]
