"""The municipality: the scoping root of every municipal row, and the words its slug may not
take."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# Top-level URL words that a municipality slug may not take (see trygghet/urls.py).
RESERVED_SLUGS = {
    "accessibility",
    "admin",
    "accounts",
    "healthz",
    "readyz",
    "static",
    "media",
    "i18n",
    "share",
    "region",
    "calendar",
    "api",
    "jsi18n",
    "favicon.ico",
    "robots.txt",
}


def validate_not_reserved(value):
    if value in RESERVED_SLUGS:
        raise ValidationError(
            _("“%(slug)s” is reserved by the application."), params={"slug": value}
        )


class MunicipalityQuerySet(models.QuerySet):
    def for_user(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(memberships__user=user, memberships__is_active=True)


class Municipality(models.Model):
    """The scoping root: every municipal row belongs to exactly one municipality."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(
        _("slug"),
        unique=True,
        validators=[validate_not_reserved],
        help_text=_("Begins every address of the municipality's pages, e.g. /burlov/."),
    )
    code = models.CharField(
        _("municipality code"),
        max_length=4,
        unique=True,
        validators=[RegexValidator(r"^\d{4}$", _("A municipality code has four digits."))],
        help_text=_("Statistics Sweden's code, e.g. 1231 for Burlöv."),
    )
    county = models.CharField(_("county"), max_length=100, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("dashboard", kwargs={"municipality": self.slug})
