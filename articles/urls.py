from django.urls import path

from . import views

app_name = "articles"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("berita/<slug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("tag/<slug:slug>/", views.TagView.as_view(), name="tag"),
    path("editor/<slug:slug>/", views.EditorView.as_view(), name="editor"),
]
