"""Seed documents in every layout the parser accepts, for property-based tests.

Each document varies what the format leaves open: byte order marks; LF, CRLF or
CR line endings, mixed or not; spaces (of every kind Python strips) at the end of
any line and on blank lines; one blank line or several between blocks, and between
tags or none; a tag right under its heading, the Terkini heading right under an
empty Tags heading, Terpopuler right under Terkini; spaces before the headline, date
line, caption, headings, tags and paragraph lines; `Editor:Nama`, `Sumber: A ,B,`;
the date line's case, zero padding and digits; an optional caption with or without
its credit, an optional dateline, *Baca Juga* before, between and after the
paragraphs, paragraphs of several lines, the end mark; the scraped Terkini and
Terpopuler lists; a final newline or none.
"""

from dataclasses import replace

from hypothesis import strategies as st

from articles.seeds.format import RelatedLink
from articles.text import MONTHS

NEWLINES = ("\n", "\r\n", "\r")
SPACES = ("", "", "", " ", "  ", "\t", "\u00a0", " \u3000 ", "\x0b\x0c\x1c\x85\u2028")
# Story text: letters (accented too), digits, punctuation, symbols and spaces.
TEXT = st.characters(
    codec="utf-8", categories=("L", "N", "P", "S", "Zs"), exclude_characters="\x00"
)
# Names (editors, sources, tags) that the database also tells apart from one another:
# its case-insensitive matching of other scripts is its own (see test_loadseeds).
NAME = st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .'-&")
DATELINES = ("ZONA PRIANGAN", "TASIKMALAYA, ZONA PRIANGAN", "GARUT")


def words(alphabet=TEXT, max_size=40):
    """Text without line breaks that is not blank, with no spaces around it."""
    return st.text(alphabet, min_size=1, max_size=max_size).map(str.strip).filter(bool)


def names(max_size=20):
    return words(NAME, max_size)


def unique_names(max_size):
    return st.lists(names(), max_size=max_size, unique_by=str.casefold)


@st.composite
def documents(draw):
    """A seed document (text) that `parse()` accepts."""
    newline = draw(st.sampled_from(NEWLINES))
    parts = [draw(st.sampled_from(["", "", "\ufeff", "\ufeff\ufeff"]))]

    def ending():
        # Mostly the document's own line ending. A CR right before an LF would make
        # the two one ending, so it is never followed by one.
        choice = draw(st.sampled_from([newline] * 6 + list(NEWLINES)))
        if choice == "\n" and "".join(parts).endswith("\r"):
            choice = "\r"
        parts.append(choice)

    def one_break():
        parts.append(draw(st.sampled_from(SPACES)))
        ending()

    def blank_lines():
        one_break()
        for _ in range(draw(st.integers(1, 3))):
            parts.append(draw(st.sampled_from(SPACES)))
            ending()

    def line(text, *, indent=False):
        parts.append((draw(st.sampled_from(SPACES)) if indent else "") + text)

    def block_of_text(first_line, *, indent=True):  # a paragraph's spaces are its own
        line(draw(first_line), indent=indent)
        for text in draw(st.lists(words(), max_size=2)):
            one_break()
            line(text, indent=True)

    line(draw(words(max_size=60)), indent=True)  # headline
    blank_lines()
    day, month = draw(st.integers(1, 28)), draw(st.sampled_from(MONTHS))
    hour, minute = draw(st.integers(0, 23)), draw(st.integers(0, 59))
    case = draw(st.sampled_from([str, str.lower, str.upper]))
    digits = draw(st.sampled_from(["0123456789"] * 4 + ["０１２３４５６７８９", "٠١٢٣٤٥٦٧٨٩"]))
    date_line = (
        f"{draw(st.sampled_from(['{}', '{:02d}'])).format(day)} {case(month)} "
        f"{draw(st.integers(1970, 2100))}, "
        f"{draw(st.sampled_from(['{}', '{:02d}'])).format(hour)}:{minute:02d} "
        f"{case(draw(st.sampled_from(['WIB', 'WITA', 'WIT'])))}"
    )
    line(date_line.translate(str.maketrans("0123456789", digits)), indent=True)
    caption = draw(
        st.one_of(
            st.none(),
            words(),
            st.builds(lambda text, credit: f"{text} /{credit}/", words(), names()),
            st.builds(lambda credit: f"/{credit}/", names()),
        )
    )
    if caption is not None:
        one_break()
        line(caption, indent=True)

    paragraph_count = draw(st.integers(1, 3))
    links = draw(st.lists(st.integers(0, paragraph_count), max_size=3))  # after paragraph n
    body_first_line = words().filter(
        lambda text: not text.startswith(("Editor:", "Baca Juga: ")) and text != "Tags"
    )
    for position in range(paragraph_count + 1):
        for _ in range(links.count(position)):
            blank_lines()
            line(f"Baca Juga:{draw(st.sampled_from([' ', '  ']))}{draw(words())}")
        if position == paragraph_count:
            break
        blank_lines()
        if position == 0 and draw(st.booleans()):
            dateline = draw(st.sampled_from(DATELINES))
            first_line = body_first_line.map(lambda text, dateline=dateline: f"{dateline} - {text}")
            block_of_text(first_line, indent=False)
        else:
            block_of_text(body_first_line)
        if position == paragraph_count - 1 and draw(st.booleans()):
            parts.append("***")

    blank_lines()
    line(f"Editor:{draw(st.sampled_from(['', ' ', '  ']))}{draw(names())}")
    sources = draw(unique_names(3))
    if sources:
        blank_lines()
        separators = st.sampled_from([", ", ",", " , ", ", , "])
        listed = "".join(name + draw(separators) for name in sources[:-1]) + sources[-1]
        line(f"Sumber:{draw(st.sampled_from(['', ' ', '  ']))}{listed}")
        if draw(st.booleans()):
            parts.append(",")
    blank_lines()
    line("Tags", indent=True)
    tags = draw(unique_names(4).map(lambda tags: [tag for tag in tags if tag != "Terkini"]))
    for tag in tags:
        draw(st.sampled_from([one_break, blank_lines]))()
        line(tag, indent=True)
    (blank_lines if tags else draw(st.sampled_from([one_break, blank_lines])))()
    line("Terkini", indent=True)
    scraped = [text for text in draw(st.lists(words(), max_size=2)) if text != "Terpopuler"]
    for number, text in enumerate(scraped):
        (one_break if number == 0 and draw(st.booleans()) else blank_lines)()
        line(text)
    (blank_lines if scraped else draw(st.sampled_from([one_break, blank_lines])))()
    line("Terpopuler", indent=True)
    for text in draw(st.lists(words(), max_size=2)):
        draw(st.sampled_from([one_break, blank_lines]))()
        line(text)
    end = draw(st.sampled_from(["", "", "final newline", "spaces", "blank lines"]))
    if end == "final newline":
        ending()
    elif end == "spaces":
        parts.append(draw(st.sampled_from(SPACES[3:])))
    elif end == "blank lines":
        blank_lines()
    return "".join(parts)


@st.composite
def edited(draw, story):
    """`story` as editors may have changed it since: any of its parts, in any way."""
    paragraphs = st.lists(
        st.lists(words(), min_size=1, max_size=2).map("\n".join), min_size=1, max_size=3
    ).map(tuple)
    changes = {
        "headline": words(),
        "caption": st.sampled_from(["", "Keterangan baru."]),
        "credit": st.sampled_from(["", "ANTARA/Foto"]),
        "dateline": st.sampled_from(["", *DATELINES]),
        "paragraphs": paragraphs,
        "end_mark": st.booleans(),
        "editor": names(),
        "sources": unique_names(3).map(tuple),
        "tags": unique_names(4).map(tuple),
    }
    fields = draw(st.sets(st.sampled_from([*changes, "related_links"]), min_size=1))
    values = {name: draw(changes[name]) for name in fields if name in changes}
    if "related_links" in fields:
        count = len(values.get("paragraphs", story.paragraphs))
        positions = draw(st.lists(st.integers(0, count), max_size=3))
        values["related_links"] = tuple(
            RelatedLink(title=draw(words()), after_paragraph=position)
            for position in sorted(positions)
        )
    return replace(story, **values)
