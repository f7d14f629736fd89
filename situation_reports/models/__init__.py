"""The models of the app, a module per concern; every public name is importable from here.

- ``incidents``: what happened (``Incident``), its categories and who read a restricted one;
- ``upcoming``: what is coming (``UpcomingEvent``);
- ``indicators``: indicator series from other sources (surveys, registers);
- ``police``: the police open-data import's setting per municipality;
- ``comparisons``: every municipality, its population and police events per type and year;
- ``reports``: the situation report (lägesbild), operational or strategic, its sections and
  comments;
- ``problems``: the problems a strategic lägesbild identifies, with their cause analysis;
- ``plans``: the action plan decided from it, its measures and their follow-up, the decision
  register and the texts published on the public page;
- ``sharing``: what a municipality shares with neighbours, its county and police area;
- ``retention``: the retention decision (gallring), its rules and the log of its runs.
"""

from .comparisons import (
    PoliceEventCount,
    PoliceEventSource,
    ReferenceMunicipality,
    ReferencePopulation,
)
from .incidents import (
    POLICE_HOSTS,
    POLICE_SITE,
    POLICE_URL_MAX_LENGTH,
    Incident,
    IncidentAccessLog,
    IncidentCategory,
    IncidentCategoryQuerySet,
    IncidentQuerySet,
    part_of_day_for,
    police_link,
)
from .indicators import Indicator, IndicatorValue
from .plans import (
    ActionPlan,
    Decision,
    DecisionMaker,
    Measure,
    MeasureIndicator,
    MeasureReminder,
    MeasureUpdate,
    PlanLocked,
    PlanReviewReminder,
    PublicSummary,
)
from .police import PoliceImportSetting
from .problems import Priority, Problem
from .reports import (
    ALL_SECTIONS,
    FOLLOW_UP_SECTIONS,
    SECTION_KEYS,
    SECTIONS,
    STRATEGIC_SECTION_KEYS,
    STRATEGIC_SECTIONS,
    ReportComment,
    ReportKind,
    ReportLocked,
    ReportSection,
    SituationReport,
    SituationReportQuerySet,
)
from .retention import (
    ALLOWED_ACTIONS,
    ARCHIVAL_TYPES,
    RecordType,
    RetentionAction,
    RetentionDecision,
    RetentionLocked,
    RetentionRule,
    RetentionRun,
)
from .sharing import RegionalRole, ReportShare, Sharing
from .upcoming import UpcomingEvent

__all__ = [
    "ALLOWED_ACTIONS",
    "ARCHIVAL_TYPES",
    "RecordType",
    "RetentionAction",
    "RetentionDecision",
    "RetentionLocked",
    "RetentionRule",
    "RetentionRun",
    "RegionalRole",
    "ReportShare",
    "Sharing",
    "ALL_SECTIONS",
    "FOLLOW_UP_SECTIONS",
    "ActionPlan",
    "Decision",
    "DecisionMaker",
    "Measure",
    "MeasureIndicator",
    "MeasureReminder",
    "MeasureUpdate",
    "PlanLocked",
    "PlanReviewReminder",
    "PublicSummary",
    "STRATEGIC_SECTIONS",
    "STRATEGIC_SECTION_KEYS",
    "ReportKind",
    "Priority",
    "Problem",
    "POLICE_HOSTS",
    "POLICE_SITE",
    "POLICE_URL_MAX_LENGTH",
    "SECTIONS",
    "SECTION_KEYS",
    "Incident",
    "IncidentAccessLog",
    "IncidentCategory",
    "IncidentCategoryQuerySet",
    "IncidentQuerySet",
    "Indicator",
    "IndicatorValue",
    "PoliceEventCount",
    "PoliceEventSource",
    "PoliceImportSetting",
    "ReferenceMunicipality",
    "ReferencePopulation",
    "ReportComment",
    "ReportLocked",
    "ReportSection",
    "SituationReport",
    "SituationReportQuerySet",
    "UpcomingEvent",
    "part_of_day_for",
    "police_link",
]
