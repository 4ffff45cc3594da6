"""Accounts and roles in the admin: no role raises itself, or anyone, above its own rights."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from tests.factories import make_staff

pytestmark = pytest.mark.django_db
PASSWORD = "rahasia-panjang-2026"


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def account_form(account, **changes):
    """The account's change form as the admin page posts it, with `changes`."""
    data = {
        "username": account.username,
        "first_name": account.first_name,
        "last_name": account.last_name,
        "email": account.email,
        "is_active": "on" if account.is_active else "",
        "is_staff": "on" if account.is_staff else "",
        "is_superuser": "on" if account.is_superuser else "",
        "groups": [group.pk for group in account.groups.all()],
        "user_permissions": [permission.pk for permission in account.user_permissions.all()],
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": account.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": account.date_joined.strftime("%H:%M:%S"),
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value != ""}


def change_url(account):
    return reverse("admin:auth_user_change", args=[account.pk])


def permission(name):
    app_label, codename = name.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


@pytest.fixture
def admin_role():
    return make_staff("Admin", "admin-jaringan")


@pytest.fixture
def reporter():
    return make_staff("Penulis", "penulis-garut")


def test_the_admin_role_cannot_make_itself_superuser(admin_role):
    client = logged_in(admin_role)

    client.post(change_url(admin_role), account_form(admin_role, is_superuser="on"))

    admin_role.refresh_from_db()
    assert not admin_role.is_superuser


def test_the_admin_role_cannot_make_anyone_superuser(admin_role, reporter):
    client = logged_in(admin_role)

    response = client.post(
        change_url(reporter), account_form(reporter, is_superuser="on", first_name="Asep")
    )

    assert response.status_code == 302  # the rest of the form is saved
    reporter.refresh_from_db()
    assert (reporter.first_name, reporter.is_superuser) == ("Asep", False)


def test_the_admin_role_cannot_change_its_own_roles_or_permissions(admin_role):
    stronger = Group.objects.create(name="Pengelola akun")
    stronger.permissions.add(permission("auth.change_group"), permission("auth.change_permission"))
    roles = {group.pk for group in admin_role.groups.all()}
    client = logged_in(admin_role)

    client.post(
        change_url(admin_role),
        account_form(
            admin_role,
            groups=[*roles, stronger.pk],
            user_permissions=[permission("auth.change_group").pk],
            is_staff="",
        ),
    )

    admin_role.refresh_from_db()
    assert {group.pk for group in admin_role.groups.all()} == roles
    assert not admin_role.user_permissions.exists()
    assert admin_role.is_staff
    assert not admin_role.has_perm("auth.change_group")


def test_the_admin_role_gives_only_roles_without_account_rights(admin_role, reporter):
    client = logged_in(admin_role)
    editor_role, admin_group = Group.objects.get(name="Editor"), Group.objects.get(name="Admin")

    refused = client.post(change_url(reporter), account_form(reporter, groups=[admin_group.pk]))
    direct = client.post(
        change_url(reporter),
        account_form(reporter, user_permissions=[permission("auth.change_user").pk]),
    )

    assert refused.status_code == direct.status_code == 200  # the form, with its errors
    assert "groups" in refused.context["adminform"].form.errors
    assert "user_permissions" in direct.context["adminform"].form.errors
    assert not reporter.groups.filter(name="Admin").exists()
    assert not reporter.user_permissions.exists()

    promoted = client.post(change_url(reporter), account_form(reporter, groups=[editor_role.pk]))

    assert promoted.status_code == 302
    assert list(reporter.groups.values_list("name", flat=True)) == ["Editor"]


def test_the_admin_role_gives_no_permission_it_lacks(admin_role, reporter):
    lacking = permission("articles.delete_revision")
    assert not admin_role.has_perm("articles.delete_revision")
    client = logged_in(admin_role)

    response = client.post(
        change_url(reporter), account_form(reporter, user_permissions=[lacking.pk])
    )

    assert response.status_code == 200
    assert not reporter.user_permissions.exists()


def test_the_admin_role_cannot_touch_a_superusers_account(admin_role, django_user_model):
    root = django_user_model.objects.create_superuser("pemilik", password=PASSWORD)
    client = logged_in(admin_role)

    password = client.post(
        reverse("admin:auth_user_password_change", args=[root.pk]),
        {"password1": "kata-sandi-baru-2026", "password2": "kata-sandi-baru-2026"},
    )
    edit = client.post(change_url(root), account_form(root, email="diambil@contoh.id"))
    delete = client.post(reverse("admin:auth_user_delete", args=[root.pk]), {"post": "yes"})
    bulk = client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "delete_selected", "_selected_action": [root.pk], "post": "yes"},
    )

    assert (password.status_code, edit.status_code, delete.status_code, bulk.status_code) == (
        403,
        403,
        403,
        403,
    )
    root.refresh_from_db()
    assert root.check_password(PASSWORD)
    assert root.email == ""


def test_the_admin_role_cannot_take_over_another_admin_even_inactive(admin_role):
    other = make_staff("Admin", "admin-lain")
    other.is_active = False
    other.save()
    client = logged_in(admin_role)

    response = client.post(change_url(other), account_form(other, is_active="on"))

    assert response.status_code == 403
    other.refresh_from_db()
    assert not other.is_active


def test_the_admin_role_still_manages_reporters_and_its_own_details(admin_role, reporter):
    client = logged_in(admin_role)

    password = client.post(
        reverse("admin:auth_user_password_change", args=[reporter.pk]),
        {"password1": "kata-sandi-baru-2026", "password2": "kata-sandi-baru-2026"},
    )
    own = client.post(change_url(admin_role), account_form(admin_role, email="admin@contoh.id"))

    assert (password.status_code, own.status_code) == (302, 302)
    reporter.refresh_from_db()
    admin_role.refresh_from_db()
    assert reporter.check_password("kata-sandi-baru-2026")
    assert admin_role.email == "admin@contoh.id"


def test_a_superuser_can_do_all_of_it(admin_role, reporter, django_user_model):
    root = django_user_model.objects.create_superuser("pemilik", password=PASSWORD)
    other_root = django_user_model.objects.create_superuser("pemilik-2", password=PASSWORD)
    client = logged_in(root)
    admin_group = Group.objects.get(name="Admin")

    promoted = client.post(
        change_url(reporter), account_form(reporter, is_superuser="on", groups=[admin_group.pk])
    )
    password = client.post(
        reverse("admin:auth_user_password_change", args=[other_root.pk]),
        {"password1": "kata-sandi-baru-2026", "password2": "kata-sandi-baru-2026"},
    )

    assert (promoted.status_code, password.status_code) == (302, 302)
    reporter.refresh_from_db()
    other_root.refresh_from_db()
    assert reporter.is_superuser
    assert reporter.groups.filter(name="Admin").exists()
    assert other_root.check_password("kata-sandi-baru-2026")


def test_roles_get_no_account_rights_from_whoever_is_not_a_superuser(admin_role):
    # Given the right to edit roles, the Admin role still cannot make one manage accounts.
    admin_role.user_permissions.add(permission("auth.change_group"))
    client = logged_in(admin_role)
    reporters = Group.objects.get(name="Penulis")
    held = list(reporters.permissions.values_list("pk", flat=True))

    widened = client.post(
        reverse("admin:auth_group_change", args=[reporters.pk]),
        {"name": "Penulis", "permissions": [*held, permission("auth.change_user").pk]},
    )
    own_role = client.get(reverse("admin:auth_group_change", args=[admin_role.groups.get().pk]))

    assert widened.status_code == 200
    assert "permissions" in widened.context["adminform"].form.errors
    assert not reporters.permissions.filter(codename="change_user").exists()
    # The Admin role itself carries account rights: shown, not changed.
    assert own_role.context["has_change_permission"] is False
