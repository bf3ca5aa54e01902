"""Signing in by e-mail and password (Django's ModelBackend), with the signed-in user read from
the cache on each request."""

from django.contrib.auth.backends import ModelBackend

from apps.tenancy import generations


class CachedModelBackend(ModelBackend):
    """Every request loads its user: kept until any sign-in data changes (a password, a sign-in's
    last_login, a deactivation — the "accounts" generation), so a request usually costs no query
    for it. The session's auth hash is still checked against the user as loaded, so a changed
    password ends other sessions as before."""

    def get_user(self, user_id):
        return generations.cached(
            "user", (user_id,), ("accounts",), lambda: super(CachedModelBackend, self).get_user(user_id)
        )
