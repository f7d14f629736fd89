"""The models of the councils app, one module per concern: the municipality, people and their
organisations, bodies and seats, the agreement with the police, and the geography.

Import them from here (``from councils.models import Body``)."""

from .agreements import (
    Action,
    ActionReminder,
    ActionUpdate,
    Agreement,
    CitizenPromise,
    CitizenPromiseUpdate,
    FocusArea,
    Goal,
    GoalMeasurement,
)
from .bodies import Body, Membership
from .geography import Area, MunicipalityOutline
from .municipalities import RESERVED_SLUGS, Municipality, validate_not_reserved
from .people import MunicipalityMembership, Organisation, User
from .tokens import ApiIdempotencyKey, ApiToken

__all__ = [
    "RESERVED_SLUGS",
    "Action",
    "ActionReminder",
    "ActionUpdate",
    "Agreement",
    "ApiIdempotencyKey",
    "ApiToken",
    "Area",
    "MunicipalityOutline",
    "Body",
    "CitizenPromise",
    "CitizenPromiseUpdate",
    "FocusArea",
    "Goal",
    "GoalMeasurement",
    "Membership",
    "Municipality",
    "MunicipalityMembership",
    "Organisation",
    "User",
    "validate_not_reserved",
]
