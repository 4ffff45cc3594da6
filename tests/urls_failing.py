"""The project's URLs plus one view that fails, to see the 500 page."""

from django.urls import path

from newsroom.urls import handler500, urlpatterns as project_urlpatterns  # noqa: F401


def broken_view(request):
    raise RuntimeError("rusak untuk uji halaman 500")


urlpatterns = [path("rusak/", broken_view), *project_urlpatterns]
