"""The home page: the lead story, Pilihan Editor, the sidebar and a block per kanal."""

from django.utils.functional import SimpleLazyObject
from django.views.generic import TemplateView

from ..navigation import navigation_sections, section_blocks
from .base import ReaderListsMixin, current_picks, picks_name


class HomeView(ReaderListsMixin, TemplateView):
    """The lead story, Pilihan Editor, the sidebar and a block per kanal; all shared
    between purges, so a rendered home page runs no query until the next one."""

    template_name = "articles/home.html"

    def shared_names(self):
        names = ["fragment:lead", "fragment:kanal-blocks", picks_name(None)]  # home: no slug
        return [*super().shared_names(), *names]

    def get_context_data(self, **kwargs):
        # Called by the template only when the shared kanal blocks must be rendered.
        return super().get_context_data(
            section_blocks=self.kanal_blocks,
            picks=SimpleLazyObject(lambda: current_picks(self.request)),
            **kwargs,
        )

    def kanal_blocks(self):
        return section_blocks(self.request.site, navigation_sections(self.request))
