from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import health, security

admin.site.site_header = settings.NEWSROOM_NAME
admin.site.site_title = settings.NEWSROOM_NAME
admin.site.index_title = "Meja redaksi"

handler500 = "articles.readers.views.base.server_error"

# Django's password reset by e-mail, linked from the desk's login page; under the desk's
# path, so that no cache keeps its pages, and with the desk's name on them.
password_reset = f"{settings.ADMIN_URL}lupa-sandi/"
desk = {
    "extra_context": {"site_header": admin.site.site_header, "site_title": admin.site.site_title}
}
urlpatterns = [
    path(password_reset, auth_views.PasswordResetView.as_view(**desk), name="admin_password_reset"),
    path(
        f"{password_reset}terkirim/",
        auth_views.PasswordResetDoneView.as_view(**desk),
        name="password_reset_done",
    ),
    path(
        f"{password_reset}<uidb64>/<token>/",
        security.PasswordResetConfirmView.as_view(**desk),
        name="password_reset_confirm",
    ),
    path(
        f"{password_reset}selesai/",
        auth_views.PasswordResetCompleteView.as_view(**desk),
        name="password_reset_complete",
    ),
    path(settings.ADMIN_URL, admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("livez", health.livez, name="livez"),
    path("", include("articles.readers.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
