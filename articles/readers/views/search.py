"""The search page: each reader's results rendered afresh, the ranking shared."""

from ...delivery.fragments import shared_between_purges
from .. import search
from .lists import StoryListView


class SearchView(StoryListView):
    """Full-text search; an empty or unusable query gets the form, not an error."""

    heading = "Pencarian"
    template_name = "articles/search.html"
    shares_cards = False  # each search is rendered afresh; its ranking is shared
    too_slow = False  # set when the ranking was stopped (`search.ranked`)
    description = "Hasil pencarian {title} di {site}."

    def get_subject(self):
        return search.clean_query(self.request.GET.get("q", ""))

    def filter_stories(self, stories):
        """Ranked once per query between purges, with its excerpts, and shared by every
        reader who asks it; each page's rows are then read afresh (`search.Results`). A
        ranking stopped for taking too long is not kept: it is tried again next time."""
        try:
            return search.matching(stories, self.subject, self.shared)
        except search.TooSlow:
            self.too_slow = True
            return search.matching(stories, "")

    def shared(self, name, make):
        return shared_between_purges(self.request, f"search:{self.subject}:{name}", make)

    def link_params(self):
        return {"q": self.subject} if self.subject else {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(query=self.subject, **kwargs)
        context["too_slow"] = self.too_slow  # known once the page's stories are ranked
        return context
