"""The seed document format: text in, plain data out, and back again.

A seed document is a story as the site prints it (see `seeds/`)::

    Headline

    14 Mei 2022, 18:45 WIB
    Photo caption. /Photo credit/

    ZONA PRIANGAN - First paragraph.

    Baca Juga: Title of a related story

    [halaman]

    Last paragraph.***

    Editor: Name

    Sumber: Source, Other source

    Tags

    Tag one
    Tag two

    Terkini

    Terpopuler

A paragraph that is only `[halaman]` is a page break: the story's readers get a
new page there ("Halaman 2"). It is not a paragraph: Baca Juga positions count the
text paragraphs of the whole story across breaks. No story prose is that one
bracketed word alone, so documents without breaks read and write exactly as
before.

Pure functions, no database: `parse()` raises `SeedFormatError` naming the line
and what was expected; `render()` writes the canonical text, so that
`render(parse(text)) == text` for every canonical document.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime

MONTHS = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip
MONTH_NUMBERS = {name.lower(): number for number, name in enumerate(MONTHS, start=1)}
TIME_ZONES = ("WIB", "WITA", "WIT")

DATE_LINE = re.compile(
    r"^(?P<day>\d{1,2}) (?P<month>\w+) (?P<year>\d{4}), "
    r"(?P<hour>\d{1,2}):(?P<minute>\d{2}) (?P<zone>\w+)$"
)
DATE_LINE_EXAMPLE = "14 Mei 2022, 18:45 WIB"
# A credit is the text between " /" and the closing "/" at the end of the caption line;
# it may contain slashes itself ("/Pool via REUTERS/Amanda Andrade-Rhoades/").
CAPTION_CREDIT = re.compile(r"^(?:(?P<caption>.*?) )?/(?P<credit>[^/\s].*?)/$")
# "ZONA PRIANGAN - ", "TASIKMALAYA, ZONA PRIANGAN - ": capitals, digits and punctuation.
DATELINE = re.compile(r"^(?P<dateline>[A-Z][A-Z0-9 ,.'()/&-]*?) - (?P<rest>\S.*)$", re.DOTALL)
RELATED_PREFIX = "Baca Juga: "
END_MARK = "***"
EDITOR_PREFIX = "Editor: "
SOURCES_PREFIX = "Sumber: "
TAGS_HEADING = "Tags"
TERKINI_HEADING = "Terkini"
TERPOPULER_HEADING = "Terpopuler"
PAGE_BREAK = "[halaman]"


def is_page_break(paragraph):
    """A paragraph that is only the page-break marker (any case, spaces around)."""
    return paragraph.strip().lower() == PAGE_BREAK


class SeedFormatError(ValueError):
    """A document that does not follow the format; `line` is 1-based."""

    def __init__(self, line, message):
        self.line = line
        self.message = message
        super().__init__(f"line {line}: {message}")


@dataclass(frozen=True)
class RelatedLink:
    """A "Baca Juga" block placed after `after_paragraph` body paragraphs."""

    title: str
    after_paragraph: int


@dataclass(frozen=True)
class Story:
    headline: str
    published_local: datetime  # naive wall-clock time in `time_zone`
    time_zone: str  # WIB, WITA or WIT
    paragraphs: tuple[str, ...]
    dateline: str = ""
    caption: str = ""
    credit: str = ""
    related_links: tuple[RelatedLink, ...] = ()
    end_mark: bool = False
    editor: str = ""
    sources: tuple[str, ...] = ()
    tags: tuple[str, ...] = field(default=())
    # Each a number of text paragraphs before which a new page starts (1 to len-1).
    page_breaks: tuple[int, ...] = ()


def format_date_line(local_time, zone):
    """`14 Mei 2022, 18:45 WIB` for a wall-clock time and a zone abbreviation."""
    month = MONTHS[local_time.month - 1]
    return f"{local_time.day} {month} {local_time.year}, {local_time:%H:%M} {zone}"


def decode(data):
    """Bytes of a seed file to text: UTF-8 (BOM allowed), newlines normalised."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise SeedFormatError(
            line, f"the file is not UTF-8 text (byte 0x{data[error.start]:02x} cannot be read)"
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _blocks(lines):
    """Groups of consecutive non-blank lines, each as (first line number, [lines])."""
    blocks, current, start = [], [], 0
    for number, line in enumerate(lines, start=1):
        if line.strip():
            if not current:
                start = number
            current.append(line)
        elif current:
            blocks.append((start, current))
            current = []
    if current:
        blocks.append((start, current))
    return blocks


def parse_date_line(line, number):
    """Read `D Month YYYY, HH:MM TZ`; returns (naive local datetime, zone)."""
    match = DATE_LINE.match(line)
    if not match:
        raise SeedFormatError(
            number, f"expected a date line like '{DATE_LINE_EXAMPLE}', found '{_excerpt(line)}'"
        )
    month = MONTH_NUMBERS.get(match["month"].lower())
    if month is None:
        raise SeedFormatError(
            number,
            f"unknown month '{match['month']}': expected one of {', '.join(MONTHS)}",
        )
    zone = match["zone"].upper()
    if zone not in TIME_ZONES:
        raise SeedFormatError(
            number, f"unknown time zone '{match['zone']}': expected WIB, WITA or WIT"
        )
    try:
        local = datetime(
            int(match["year"]), month, int(match["day"]), int(match["hour"]), int(match["minute"])
        )
    except ValueError as error:
        raise SeedFormatError(number, f"'{line}' is not a real date and time ({error})") from None
    return local, zone


def _excerpt(text, limit=60):
    return text if len(text) <= limit else text[: limit - 1] + "…"


def parse(text):
    """Parse a seed document (already decoded) into a `Story`."""
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise SeedFormatError(line, "the file contains a NUL byte: it is not a text document")
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").lstrip("\ufeff").split("\n")]
    blocks = _blocks(lines)
    if not blocks:
        raise SeedFormatError(1, "the document is empty: expected a headline on line 1")

    first_line, headline_lines = blocks[0]
    if first_line != 1:
        raise SeedFormatError(1, "expected the headline on line 1, found a blank line")
    if len(headline_lines) != 1:
        raise SeedFormatError(2, "expected a blank line after the headline")
    headline = headline_lines[0].strip()

    if len(blocks) < 2:
        raise SeedFormatError(
            len(lines) + 1, f"expected a date line like '{DATE_LINE_EXAMPLE}' after the headline"
        )
    date_number, date_lines = blocks[1]
    published_local, zone = parse_date_line(date_lines[0].strip(), date_number)
    caption = credit = ""
    if len(date_lines) > 2:
        raise SeedFormatError(date_number + 2, "expected a blank line after the photo caption")
    if len(date_lines) == 2:
        caption_line = date_lines[1].strip()
        match = CAPTION_CREDIT.match(caption_line)
        caption, credit = (match["caption"] or "", match["credit"]) if match else (caption_line, "")

    rest = blocks[2:]
    paragraphs, related, dateline, end_mark, breaks = [], [], "", False, []
    index = 0
    while index < len(rest) and not _ends_body(rest[index][1][0]):
        number, block = rest[index]
        paragraph = "\n".join(block)
        if len(block) == 1 and is_page_break(paragraph):
            if not paragraphs or (breaks and breaks[-1] == len(paragraphs)):
                raise SeedFormatError(number, f"expected a paragraph before '{PAGE_BREAK}'")
            breaks.append(len(paragraphs))
        elif paragraph.startswith(RELATED_PREFIX):
            title = paragraph[len(RELATED_PREFIX) :].strip()
            if not title or len(block) > 1:
                raise SeedFormatError(number, "expected 'Baca Juga: <title>' on one line")
            related.append(RelatedLink(title=title, after_paragraph=len(paragraphs)))
        else:
            if not paragraphs and not related:
                match = DATELINE.match(paragraph)
                if match:
                    dateline, paragraph = match["dateline"], match["rest"]
            paragraphs.append(paragraph)
        index += 1
    if not paragraphs:
        line = rest[0][0] if rest else len(lines)
        raise SeedFormatError(line, "expected at least one body paragraph before 'Editor:'")
    if index == len(rest) or not rest[index][1][0].startswith(EDITOR_PREFIX.rstrip()):
        line = rest[index][0] if index < len(rest) else len(lines)
        raise SeedFormatError(line, "expected an 'Editor: <name>' line after the body paragraphs")
    if breaks and breaks[-1] == len(paragraphs):
        raise SeedFormatError(rest[index][0], f"expected a paragraph after '{PAGE_BREAK}'")
    last_block_is_text = index > 0 and not rest[index - 1][1][0].startswith(RELATED_PREFIX)
    if last_block_is_text and paragraphs[-1].endswith(END_MARK):
        paragraphs[-1] = paragraphs[-1][: -len(END_MARK)]
        end_mark = True

    number, block = rest[index]
    editor = block[0].partition(":")[2].strip()
    if not editor or len(block) > 1:
        raise SeedFormatError(number, "expected 'Editor: <name>' alone on its line")
    index += 1

    sources = ()
    if index < len(rest) and rest[index][1][0].startswith(SOURCES_PREFIX.rstrip()):
        number, block = rest[index]
        names = block[0].partition(":")[2]
        sources = tuple(name.strip() for name in names.split(",") if name.strip())
        if not sources or len(block) > 1:
            raise SeedFormatError(number, "expected 'Sumber: <name>[, <name>...]' on one line")
        index += 1

    index = _expect_heading(rest, index, TAGS_HEADING, len(lines))
    tags = []
    while index < len(rest) and rest[index][1][0].strip() != TERKINI_HEADING:
        number, block = rest[index]
        tags.extend(line.strip() for line in block)
        index += 1
    index = _expect_heading(rest, index, TERKINI_HEADING, len(lines))
    while index < len(rest) and rest[index][1][0].strip() != TERPOPULER_HEADING:
        index += 1  # the scraped Terkini list: ignored
    _expect_heading(rest, index, TERPOPULER_HEADING, len(lines))

    return Story(
        headline=headline,
        published_local=published_local,
        time_zone=zone,
        caption=caption,
        credit=credit,
        dateline=dateline,
        paragraphs=tuple(paragraphs),
        related_links=tuple(related),
        end_mark=end_mark,
        editor=editor,
        sources=sources,
        tags=tuple(tags),
        page_breaks=tuple(breaks),
    )


def _ends_body(first_line):
    """The body runs until the Editor line (or, when that is missing, the Tags heading)."""
    return first_line.startswith(EDITOR_PREFIX.rstrip()) or first_line.strip() == TAGS_HEADING


def _expect_heading(blocks, index, heading, last_line):
    """Check that `blocks[index]` opens with `heading`; returns the index after it.

    The heading's block may go on with the items under it (tag lines), so only
    those stay: the caller sees them as the next block.
    """
    if index >= len(blocks):
        raise SeedFormatError(last_line, f"expected the heading '{heading}'")
    number, block = blocks[index]
    if block[0].strip() != heading:
        raise SeedFormatError(
            number, f"expected the heading '{heading}', found '{_excerpt(block[0])}'"
        )
    if len(block) > 1:
        blocks[index] = (number + 1, block[1:])
        return index
    return index + 1


def render(story):
    """The canonical text of a story (no final newline, as the seed files have none)."""
    date_block = format_date_line(story.published_local, story.time_zone)
    if story.caption or story.credit:
        caption = story.caption
        if story.credit:
            caption = f"{caption} /{story.credit}/" if caption else f"/{story.credit}/"
        date_block += "\n" + caption
    blocks = [story.headline, date_block]

    related_by_position = {}
    for link in story.related_links:
        related_by_position.setdefault(link.after_paragraph, []).append(link)
    for position, paragraph in enumerate(story.paragraphs):
        # Links placed at a break end the page before it, as readers see them.
        blocks += [RELATED_PREFIX + link.title for link in related_by_position.get(position, [])]
        if position in story.page_breaks:
            blocks.append(PAGE_BREAK)
        if position == 0 and story.dateline:
            paragraph = f"{story.dateline} - {paragraph}"
        if position == len(story.paragraphs) - 1 and story.end_mark:
            paragraph += END_MARK
        blocks.append(paragraph)
    trailing = [
        link for position, links in related_by_position.items()
        if position >= len(story.paragraphs) for link in links
    ]  # fmt: skip
    blocks += [RELATED_PREFIX + link.title for link in trailing]

    blocks.append(EDITOR_PREFIX + story.editor)
    if story.sources:
        blocks.append(SOURCES_PREFIX + ", ".join(story.sources))
    blocks.append(TAGS_HEADING)
    if story.tags:
        blocks.append("\n".join(story.tags))
    blocks += [TERKINI_HEADING, TERPOPULER_HEADING]
    return "\n\n".join(blocks)
