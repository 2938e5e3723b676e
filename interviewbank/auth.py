"""Who is asking: sign-in throttling (django-axes), the visitor's address, and a backend that
loads a signed-in person's permissions with them."""

import functools
import hashlib

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxLengthValidator
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication


class SignInThrottleBackend(AxesStandaloneBackend):
    """Refuse sign-ins that django-axes has locked out; let the next backend do the rest.

    django-axes needs the request to know who is trying. Sign-ins from the web always pass
    it (Django's login views, the admin, DRF's authentication classes); a call without one
    comes from code on the server itself (the test client's `login()`, a shell), which no
    one on the internet can reach, so it is not throttled instead of failing.
    """

    def authenticate(self, request: HttpRequest | None, *args, **kwargs) -> None:
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)


class _UsernameLengthChecked:
    """Refuse a username longer than any account's before trying to sign in with it.

    Django's sign-in form only tells the browser the limit (maxlength); a longer name went on
    to authentication, whose failure record (django-axes, a 255-character column) then
    failed in the database.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))


class SignInForm(_UsernameLengthChecked, AuthenticationForm):
    """The sign-in page's form."""


class AdminSignInForm(_UsernameLengthChecked, AdminAuthenticationForm):
    """The admin's sign-in form (staff only)."""


def client_ip(request: HttpRequest) -> str | None:
    """The visitor's address: the socket's, or X-Forwarded-For as set by trusted proxies.

    With N proxies in front, each appends the address it received from, so the N-th entry
    from the right is the one the outermost proxy saw; entries further left are whatever
    the client sent and cannot be trusted.
    """
    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        return remote
    return forwarded[-count]


class PermissionsWithUserBackend(ModelBackend):
    """Django's ModelBackend, loading a signed-in person's permissions with the person.

    Almost every page asks what its visitor may do (the bank's view permission, the kit
    menu), which costs ModelBackend two more queries after the one for the person. Here
    one query brings the person and both sets of permission names, read fresh on every
    request as before, so a change to someone's groups still applies at their next click.
    """

    def get_user(self, user_id):
        manager = get_user_model()._default_manager
        users = list(manager.raw(_user_with_permissions_sql(), [user_id]))
        if not users or not self.user_can_authenticate(users[0]):
            return None
        user = users[0]
        # A superuser has every permission without looking them up (User.has_perm).
        if not user.is_superuser:
            user._user_perm_cache = set(user.own_permission_names)
            user._group_perm_cache = set(user.group_permission_names)
            user._perm_cache = user._user_perm_cache | user._group_perm_cache
        return user


@functools.cache
def _user_with_permissions_sql() -> str:
    """The person's row with the "app_label.codename" names ModelBackend would find."""
    user_model = get_user_model()
    own = user_model._meta.get_field("user_permissions")
    membership = user_model._meta.get_field("groups")
    grants = Group._meta.get_field("permissions")
    q = connection.ops.quote_name

    def table(m2m) -> str:
        return q(m2m.m2m_db_table())

    names = (
        f"SELECT ct.app_label || '.' || p.codename FROM {q(Permission._meta.db_table)} p "
        f"JOIN {q(ContentType._meta.db_table)} ct ON ct.id = p.content_type_id "
        "WHERE p.id IN ({permission_ids})"
    )
    own_ids = (
        f"SELECT {q(own.m2m_reverse_name())} FROM {table(own)} "
        f"WHERE {q(own.m2m_column_name())} = u.{q(user_model._meta.pk.column)}"
    )
    group_ids = (
        f"SELECT g.{q(grants.m2m_reverse_name())} FROM {table(grants)} g "
        f"JOIN {table(membership)} m ON m.{q(membership.m2m_reverse_name())} = "
        f"g.{q(grants.m2m_column_name())} "
        f"WHERE m.{q(membership.m2m_column_name())} = u.{q(user_model._meta.pk.column)}"
    )
    return (
        f"SELECT u.*, ARRAY({names.format(permission_ids=own_ids)}) AS own_permission_names, "
        f"ARRAY({names.format(permission_ids=group_ids)}) AS group_permission_names "
        f"FROM {q(user_model._meta.db_table)} u WHERE u.{q(user_model._meta.pk.column)} = %s"
    )


def token_digest(key: str) -> str:
    """What the database keeps of an API token: its SHA-256, cut to the key column's 40
    characters (160 bits, as many as the token itself has). A copy of the database, or
    of a backup, then holds no token that works."""
    return hashlib.sha256(key.encode()).hexdigest()[:40]


def issue_token(user) -> str:
    """A new API token for `user`, replacing any old one. The key is returned this once;
    only its digest is stored."""
    from rest_framework.authtoken.models import Token  # a model: only once apps are ready

    key = Token.generate_key()
    with transaction.atomic():
        Token.objects.filter(user=user).delete()
        Token.objects.create(user=user, key=token_digest(key))
    return key


class TokenWithPermissionsAuthentication(TokenAuthentication):
    """DRF's API-token sign-in, by the token's digest (see `token_digest`), loading the
    person with their permissions as sessions do: two queries (the token, then the
    person) instead of three."""

    def authenticate_credentials(self, key: str) -> tuple:
        token = self.get_model().objects.filter(key=token_digest(key)).first()
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        user = PermissionsWithUserBackend().get_user(token.user_id)
        if user is None:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        token.user = user
        return user, token
