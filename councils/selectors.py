"""Who and what a municipality's forms offer to choose: one definition for every app."""

from .models import Organisation, User


def people_of(municipality):
    """The people one may choose in the municipality (a seat's holder, an action's lead, a
    meeting's action item's owner): active users with an active role there. A deactivated
    person keeps their history but is offered for nothing new."""
    return User.objects.filter(
        municipality_memberships__municipality=municipality,
        municipality_memberships__is_active=True,
        is_active=True,
    ).order_by("first_name", "last_name")


def organisations_of(municipality):
    """The organisations that serve the municipality."""
    return Organisation.objects.filter(municipalities=municipality).order_by("name")


def plan_measures_of(obj, membership):
    """The action plan's measures carried out through ``obj`` (an agreement action or a
    citizen promise) that ``membership`` may read: the link, seen from the agreement's side.
    (Through the reverse relation's model: the plan lives in situation_reports, which builds
    on this app.)"""
    measures = obj.plan_measures.model.objects.restrict(membership)
    field = obj.plan_measures.field.name
    return measures.filter(**{field: obj}).select_related("plan").order_by("plan", "position")
