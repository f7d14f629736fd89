"""``{% sso_login %}``: the login page's single sign-on button, when SSO is configured
(``trygghet.sso``); nothing otherwise."""

from django import template

from .. import sso

register = template.Library()


@register.inclusion_tag("registration/_sso_login.html", takes_context=True)
def sso_login(context):
    return {**sso.login_context(), "next": context.get("next", "")}


@register.simple_tag
def sso_enabled():
    return sso.enabled()


@register.simple_tag
def password_login_allowed(user):
    """Whether the menu offers "Change password": not to a person whose organisation logs in
    through SSO only (a password they set could not be used)."""
    return user.is_authenticated and sso.password_login_allowed(user)
