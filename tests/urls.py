"""The project's URLs plus what tests need: a view that fails, and uploaded media."""

from django.conf import settings
from django.urls import path, re_path
from django.views.static import serve

from newsroom.urls import handler500  # noqa: F401
from newsroom.urls import urlpatterns as project_urlpatterns


def broken_view(request):
    raise RuntimeError("rusak untuk uji halaman 500")


urlpatterns = [
    path("rusak/", broken_view),
    *project_urlpatterns,
    re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
]
