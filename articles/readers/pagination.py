"""Pages of a story list found without counting the list.

Django's Paginator runs `COUNT(*)` over the whole list on every page; for a kanal
or tag holding thousands of stories that cost 13-37 ms at 100,000 stories, more
than the rest of the page, and it grows with the archive. Here a page reads one
row more than it shows: that row says whether another page follows. Readers move
with "Sebelumnya" / "Berikutnya", as on news sites, so no total is shown.
"""

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator


class OpenEndedPaginator(Paginator):
    def validate_number(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("Nomor halaman bukan bilangan bulat.") from None
        if number < 1:
            raise EmptyPage("Nomor halaman kurang dari 1.")
        return number

    def page(self, number):
        """Page `number`; EmptyPage past the end (page 1 always exists, even empty)."""
        number = self.validate_number(number)
        offset = (number - 1) * self.per_page
        rows = list(self.object_list[offset : offset + self.per_page + 1])
        if not rows and number > 1:
            raise EmptyPage("Halaman ini tidak berisi berita.")
        return OpenEndedPage(
            rows[: self.per_page], number, self, has_more=len(rows) > self.per_page
        )

    @property
    def count(self):
        raise TypeError("OpenEndedPaginator does not count its list: use page.has_next().")


class OpenEndedPage(Page):
    def __init__(self, object_list, number, paginator, *, has_more):
        super().__init__(object_list, number, paginator)
        self.has_more = has_more

    def has_next(self):
        return self.has_more

    def start_index(self):
        return (self.number - 1) * self.paginator.per_page + (1 if self.object_list else 0)

    def end_index(self):
        return (self.number - 1) * self.paginator.per_page + len(self.object_list)

    @property
    def is_complete_list(self):
        """True when this one page holds the whole list, so its length is the total."""
        return self.number == 1 and not self.has_more
