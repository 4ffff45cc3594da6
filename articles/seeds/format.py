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

A paragraph that is only `[halaman]` is a page break (see `articles.text`, which
also writes the date line): the story's readers get a new page there ("Halaman 2").
It is not a paragraph: Baca Juga positions count the text paragraphs of the whole
story across breaks. No story prose is that one bracketed word alone, so documents
without breaks read and write exactly as before.

Pure functions, no database: `parse()` raises `SeedFormatError` naming the line
and what was expected. The format allows more than one way to write a document:
blank lines between tags and any number of them between blocks, spaces at the end
of a line or before a heading, `Editor:Nama`, `05 mei 2022`, a byte order mark,
CRLF or CR line endings, a final newline, the scraped Terkini and Terpopuler lists.
`parse()` keeps how the document was written as its `Layout`, and `render()` writes
the story that way again, so that `render(parse(text)) == text` for every document
`parse()` accepts. A story changed since is written in that layout where it still
applies (a line still says what the story says, a blank line still sits between
two tags) and in the canonical one elsewhere; `render(story, layout=CANONICAL)`
writes the canonical text throughout.
"""

import re
from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime

from ..text import MONTHS, PAGE_BREAK, format_date_line, is_page_break

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
BOM = "\ufeff"

# Lines end in LF, CRLF or CR; other whitespace (tabs, no-break spaces, U+2028...) is
# part of a line, and a line of nothing else is blank.
LINE_BREAK = re.compile(r"(\r\n|\r|\n)")
NEWLINES = ("\n", "\r\n", "\r")
_SPACE = r"[^\S\r\n]*"
_BREAK = r"(?:\r\n|\r(?!\n)|\n)"  # a CR before an LF is one line ending with it
# What may stand between two lines, from the end of the first one's text (its trailing
# spaces included) to the start of the next: one line ending; at least one blank line;
# either; or, before the Terpopuler heading and after it, the lists the parser ignores.
ONE_BREAK = re.compile(_SPACE + _BREAK)
BLANK_LINES = re.compile(f"{_SPACE}{_BREAK}(?:{_SPACE}{_BREAK})+")
ANY_BREAKS = re.compile(f"{_SPACE}{_BREAK}(?:{_SPACE}{_BREAK})*")
IGNORED_TEXT = re.compile(f"{_SPACE}{_BREAK}.*", re.DOTALL)
DOCUMENT_END = re.compile(f"{_SPACE}(?:{_BREAK}.*)?", re.DOTALL)
# The canonical text between two lines of a block, two tags, and two blocks.
CANONICAL_GAPS = {"line": "\n", "tag": "\n", "block": "\n\n"}


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
class Layout:
    """How a document was written where the format allows more than one way.

    Lines are named by their place in the story ("slots": `headline`, `date`,
    `caption`, `body.<block>.<line>`, `editor`, `sources`, `tags`, `tag.<n>`,
    `terkini`, `terpopuler`). The text between two lines (the first one's trailing
    spaces, its line ending, blank lines) is the usual one of its kind (`gaps`: between
    two lines of a block, two tags, two blocks) unless `gaps_at` names another for the
    line it comes before. Every field is plain JSON, and the empty layout is canonical.
    """

    prefix: str = ""  # byte order marks before the headline
    newline: str = "\n"  # the line ending of the text made where nothing else is recorded
    gaps: dict[str, str] = field(default_factory=dict)  # "line" | "tag" | "block": text
    gaps_at: dict[str, str] = field(default_factory=dict)  # slot: text before its line
    lines: dict[str, str] = field(default_factory=dict)  # slot: the line as written
    end: str = ""  # after the Terpopuler heading: spaces, final newline, the ignored list

    def to_json(self):
        """The fields that differ from the canonical layout; None when none do."""
        data = {key: value for key, value in asdict(self).items() if value != DEFAULTS[key]}
        return data or None

    @classmethod
    def from_json(cls, data):
        """The layout `to_json()` gave; anything unreadable counts as canonical."""
        if not isinstance(data, dict):
            return CANONICAL

        def text(key):
            value = data.get(key, DEFAULTS[key])
            return value if isinstance(value, str) else DEFAULTS[key]

        def texts(key):
            value = data.get(key)
            if not isinstance(value, dict):
                return {}
            return {k: v for k, v in value.items() if isinstance(k, str) and isinstance(v, str)}

        return cls(
            prefix=text("prefix"),
            newline=text("newline"),
            gaps=texts("gaps"),
            gaps_at=texts("gaps_at"),
            lines=texts("lines"),
            end=text("end"),
        )


CANONICAL = Layout()
DEFAULTS = asdict(CANONICAL)


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
    # How the document was written: not part of the story, so not compared.
    layout: Layout = field(default=CANONICAL, compare=False, repr=False)


def decode(data):
    """Bytes of a seed file to text: UTF-8, kept as written (a BOM, CR or CRLF line
    endings are the document's layout, which `parse()` reads)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = len(re.findall(rb"\r\n|\r|\n", data[: error.start])) + 1
        raise SeedFormatError(
            line, f"the file is not UTF-8 text (byte 0x{data[error.start]:02x} cannot be read)"
        ) from None


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
    """Parse a seed document (decoded text) into a `Story` that keeps its `Layout`."""
    if "\x00" in text:
        line = len(LINE_BREAK.findall(text[: text.index("\x00")])) + 1
        raise SeedFormatError(line, "the file contains a NUL byte: it is not a text document")
    content = text.lstrip(BOM)
    parts = LINE_BREAK.split(content)
    written, endings = parts[0::2], [*parts[1::2], ""]  # each line as written, its ending
    lines = [line.rstrip() for line in written]
    blocks = _blocks(lines)
    if not blocks:
        raise SeedFormatError(1, "the document is empty: expected a headline on line 1")
    places = {}  # slot: the index in `lines` of the line that holds it

    first_line, headline_lines = blocks[0]
    if first_line != 1:
        raise SeedFormatError(1, "expected the headline on line 1, found a blank line")
    if len(headline_lines) != 1:
        raise SeedFormatError(2, "expected a blank line after the headline")
    headline = headline_lines[0].strip()
    places["headline"] = 0

    if len(blocks) < 2:
        raise SeedFormatError(
            len(lines) + 1, f"expected a date line like '{DATE_LINE_EXAMPLE}' after the headline"
        )
    date_number, date_lines = blocks[1]
    published_local, zone = parse_date_line(date_lines[0].strip(), date_number)
    places["date"] = date_number - 1
    caption = credit = ""
    if len(date_lines) > 2:
        raise SeedFormatError(date_number + 2, "expected a blank line after the photo caption")
    if len(date_lines) == 2:
        caption_line = date_lines[1].strip()
        match = CAPTION_CREDIT.match(caption_line)
        caption, credit = (match["caption"] or "", match["credit"]) if match else (caption_line, "")
        places["caption"] = date_number

    rest = blocks[2:]
    paragraphs, related, dateline, end_mark, breaks = [], [], "", False, []
    index = 0
    while index < len(rest) and not _ends_body(rest[index][1][0]):
        number, block = rest[index]
        places.update(
            (f"body.{index}.{offset}", number - 1 + offset) for offset in range(len(block))
        )
        paragraph = "\n".join(block)
        if len(block) == 1 and is_page_break(paragraph):
            if not paragraphs or (breaks and breaks[-1] == len(paragraphs)):
                raise SeedFormatError(number, f"expected a paragraph before '{PAGE_BREAK}'")
            breaks.append(len(paragraphs))
        elif paragraph.startswith(RELATED_PREFIX):
            title = _related_title(paragraph)
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
    if last_block_is_text and _closes_text(paragraphs[-1]):
        paragraphs[-1] = paragraphs[-1][: -len(END_MARK)]
        end_mark = True

    number, block = rest[index]
    editor = _editor_name(block[0])
    if not editor or len(block) > 1:
        raise SeedFormatError(number, "expected 'Editor: <name>' alone on its line")
    places["editor"] = number - 1
    index += 1

    sources = ()
    if index < len(rest) and rest[index][1][0].startswith(SOURCES_PREFIX.rstrip()):
        number, block = rest[index]
        sources = _source_names(block[0])
        if not sources or len(block) > 1:
            raise SeedFormatError(number, "expected 'Sumber: <name>[, <name>...]' on one line")
        places["sources"] = number - 1
        index += 1

    index, places["tags"] = _expect_heading(rest, index, TAGS_HEADING, len(lines))
    tags = []
    while index < len(rest) and rest[index][1][0].strip() != TERKINI_HEADING:
        number, block = rest[index]
        for offset, line in enumerate(block):
            places[f"tag.{len(tags)}"] = number - 1 + offset
            tags.append(line.strip())
        index += 1
    index, places["terkini"] = _expect_heading(rest, index, TERKINI_HEADING, len(lines))
    while index < len(rest) and rest[index][1][0].strip() != TERPOPULER_HEADING:
        index += 1  # the scraped Terkini list: ignored, but kept in the layout
    _, places["terpopuler"] = _expect_heading(rest, index, TERPOPULER_HEADING, len(lines))

    story = Story(
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
    prefix = text[: len(text) - len(content)]
    return replace(story, layout=_layout_as_written(story, places, prefix, written, endings))


def _ends_body(first_line):
    """The body runs until the Editor line (or, when that is missing, the Tags heading)."""
    return first_line.startswith(EDITOR_PREFIX.rstrip()) or first_line.strip() == TAGS_HEADING


def _closes_text(paragraph):
    """`***` ends the story when it closes the text of the last line (`…hari.***`); on a
    line of its own it is text, since a paragraph without text cannot be stored."""
    last_line = paragraph.rpartition("\n")[2]
    return last_line.endswith(END_MARK) and bool(last_line[: -len(END_MARK)].strip())


def _related_title(line):
    return line[len(RELATED_PREFIX) :].strip()


def _editor_name(line):
    return line.partition(":")[2].strip()


def _source_names(line):
    return tuple(name.strip() for name in line.partition(":")[2].split(",") if name.strip())


def _expect_heading(blocks, index, heading, last_line):
    """Check that `blocks[index]` opens with `heading`; returns the index after it and
    the heading's line number.

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
        return index, number - 1
    return index + 1, number - 1


def _lines(story):
    """The lines of the story's canonical text, in order: (slot, role, text).

    The role says what the parser reads in a line (see `_reading`); a paragraph's lines
    after its first are "continuation".
    """
    lines = [("headline", "headline", story.headline)]
    lines.append(("date", "date", format_date_line(story.published_local, story.time_zone)))
    if story.caption or story.credit:
        caption = story.caption
        if story.credit:
            caption = f"{caption} /{story.credit}/" if caption else f"/{story.credit}/"
        lines.append(("caption", "caption", caption))

    related_by_position = {}
    for link in story.related_links:
        related_by_position.setdefault(link.after_paragraph, []).append(link)
    blocks = []
    for position, paragraph in enumerate(story.paragraphs):
        # Links placed at a break end the page before it, as readers see them.
        blocks += [
            ("related", RELATED_PREFIX + link.title)
            for link in related_by_position.get(position, [])
        ]
        if position in story.page_breaks:
            blocks.append(("page_break", PAGE_BREAK))
        if position == 0 and story.dateline:
            paragraph = f"{story.dateline} - {paragraph}"
        if position == len(story.paragraphs) - 1 and story.end_mark:
            paragraph += END_MARK
        blocks.append(("paragraph", paragraph))
    blocks += [
        ("related", RELATED_PREFIX + link.title)
        for position, links in related_by_position.items()
        if position >= len(story.paragraphs) for link in links
    ]  # fmt: skip
    for number, (role, text) in enumerate(blocks):
        for offset, line in enumerate(text.split("\n")):
            lines.append((f"body.{number}.{offset}", role if offset == 0 else "continuation", line))

    lines.append(("editor", "editor", EDITOR_PREFIX + story.editor))
    if story.sources:
        lines.append(("sources", "sources", SOURCES_PREFIX + ", ".join(story.sources)))
    lines.append(("tags", "heading", TAGS_HEADING))
    lines += [(f"tag.{number}", "tag", tag) for number, tag in enumerate(story.tags)]
    lines += [
        ("terkini", "heading", TERKINI_HEADING),
        ("terpopuler", "heading", TERPOPULER_HEADING),
    ]
    return lines


def _gap_kind(previous, line):
    """The kind of text between two lines: its class ("line", "tag" or "block", which
    chooses the canonical text and the usual one) and the pattern it must match."""
    (before, _, _), (slot, role, text) = previous, line
    if role in ("caption", "continuation"):
        return "line", ONE_BREAK
    if role == "tag":
        # A tag line named "Terkini" would be read as the heading at the start of a block.
        pattern = ONE_BREAK if text.strip() == TERKINI_HEADING else ANY_BREAKS
        return ("block" if before == "tags" else "tag"), pattern
    if slot == "terkini":  # right under the Tags heading when there are no tags
        return "block", (ANY_BREAKS if before == "tags" else BLANK_LINES)
    if slot == "terpopuler":
        return "block", IGNORED_TEXT  # the Terkini list
    return "block", BLANK_LINES


def _reading(role, written):
    """The canonical line the parser reads in `written`, a line in the place of `role`."""
    if role == "date":
        try:
            return format_date_line(*parse_date_line(written.strip(), 0))
        except SeedFormatError:
            return None
    if role == "related":
        return (
            RELATED_PREFIX + _related_title(written) if written.startswith(RELATED_PREFIX) else None
        )
    if role == "editor":
        is_editor = written.startswith(EDITOR_PREFIX.rstrip())
        return EDITOR_PREFIX + _editor_name(written) if is_editor else None
    if role == "sources":
        names = _source_names(written) if written.startswith(SOURCES_PREFIX.rstrip()) else ()
        return SOURCES_PREFIX + ", ".join(names) if names else None
    if role == "page_break":
        return PAGE_BREAK if is_page_break(written) else None
    if role in ("paragraph", "continuation"):
        return written  # the text itself, leading spaces and all
    return written.strip()  # headline, caption, headings, tags


def _layout_as_written(story, places, prefix, written, endings):
    """The layout that renders `story` as the document it was parsed from: `prefix`
    before the headline, then each line as `written` and its ending."""
    story_lines = _lines(story)
    at = [places[slot] for slot, _, _ in story_lines]  # where each line was written
    texts = [line.rstrip() for line in written]

    def between(first, last):  # from the end of line `first`'s text to line `last`
        rest = written[first][len(texts[first]) :] + endings[first]
        return rest + "".join(written[i] + endings[i] for i in range(first + 1, last))

    used = Counter(ending for ending in endings if ending)
    newline = used.most_common(1)[0][0] if used else "\n"
    gaps = []  # (slot, class, pattern, text as written) before each line but the first
    for i in range(1, len(story_lines)):
        kind, pattern = _gap_kind(story_lines[i - 1], story_lines[i])
        gaps.append((story_lines[i][0], kind, pattern, between(at[i - 1], at[i])))
    usual = {}
    for kind in CANONICAL_GAPS:
        found = Counter(text for _, gap_kind, _, text in gaps if gap_kind == kind)
        if found and found.most_common(1)[0][0] != CANONICAL_GAPS[kind].replace("\n", newline):
            usual[kind] = found.most_common(1)[0][0]
    layout = Layout(prefix=prefix, newline=newline, gaps=usual)
    gaps_at = {
        slot: text for slot, kind, pattern, text in gaps
        if _gap_text(layout, slot, kind, pattern) != text
    }  # fmt: skip
    spelled = {
        slot: texts[place]
        for (slot, _, text), place in zip(story_lines, at, strict=True)
        if texts[place] != text
    }
    return replace(layout, gaps_at=gaps_at, lines=spelled, end=between(at[-1], len(written)))


def _gap_text(layout, slot, kind, pattern):
    for text in (layout.gaps_at.get(slot), layout.gaps.get(kind)):
        if text is not None and pattern.fullmatch(text):
            return text
    return CANONICAL_GAPS[kind].replace("\n", _newline(layout))


def _newline(layout):
    return layout.newline if layout.newline in NEWLINES else "\n"


def render(story, layout=None):
    """The story's text, written in `layout` (by default the story's own, so that
    `render(parse(text)) == text`), or canonically where that no longer applies.

    The canonical text has no final newline, as the seed files have none.
    """
    layout = story.layout if layout is None else layout
    prefix = layout.prefix if not layout.prefix.strip(BOM) else ""
    parts, previous = [prefix], None
    for line in _lines(story):
        slot, role, text = line
        if previous is not None:
            parts.append(_gap_text(layout, slot, *_gap_kind(previous, line)))
        written = layout.lines.get(slot)
        usable = (
            written is not None
            and written == written.rstrip()
            and not LINE_BREAK.search(written)
            and _reading(role, written) == text
        )
        parts.append(written if usable else text)
        previous = line
    parts.append(layout.end if DOCUMENT_END.fullmatch(layout.end) else "")
    return "".join(parts)
