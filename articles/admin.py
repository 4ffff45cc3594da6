from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Article, ArticleSource, Editor, Photo, RelatedLink, Section, Source


class ArticleSourceInline(admin.TabularInline):
    model = ArticleSource
    extra = 0
    autocomplete_fields = ["source"]
    fields = ["source", "position"]


class RelatedLinkInline(admin.TabularInline):
    model = RelatedLink
    fk_name = "article"
    extra = 0
    autocomplete_fields = ["target"]
    fields = ["after_paragraph", "position", "target", "title", "url"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["headline", "status", "published_at", "editor"]
    list_filter = ["status", "time_zone", "editor"]
    list_select_related = ["editor"]
    search_fields = ["headline"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["photo", "editor", "section"]
    inlines = [ArticleSourceInline, RelatedLinkInline]
    fieldsets = [
        (None, {"fields": ["headline", "slug", "dateline", "body", "end_mark"]}),
        (_("Foto dan kredit"), {"fields": ["photo"]}),
        (_("Redaksi"), {"fields": ["section", "editor", "tags"]}),
        (_("Penerbitan"), {"fields": ["status", "published_at", "time_zone"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        """The slug is part of the story's public address: frozen once published."""
        if obj is not None and obj.status == Article.Status.PUBLISHED:
            return ["slug"]
        return []


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    list_display = ["caption", "credit", "width", "height"]
    search_fields = ["caption", "credit"]


@admin.register(Editor)
class EditorAdmin(admin.ModelAdmin):
    list_display = ["name", "user"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["user"]


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "url"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "position"]
    list_editable = ["position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
