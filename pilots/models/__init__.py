"""Pilots: the register, budget, participants, measurements, learning and ideas."""

from pilots.models.ideas import (
    Idea,
    IdeaComment,
    IdeaStatus,
    IdeaSupport,
    Interest,
    LibraryEntry,
)
from pilots.models.participation import (
    Activity,
    Instrument,
    Measurement,
    MeasurementMoment,
    Participant,
)
from pilots.models.register import (
    ALLOWED_TRANSITIONS,
    MANAGER_ROLES,
    READER_ROLES,
    BudgetEntry,
    BudgetEntryKind,
    BudgetLine,
    Goal,
    InvalidTransition,
    JournalEntry,
    Phase,
    PhaseChange,
    Pilot,
    Theme,
)

__all__ = [
    "ALLOWED_TRANSITIONS",
    "MANAGER_ROLES",
    "READER_ROLES",
    "Activity",
    "BudgetEntry",
    "BudgetEntryKind",
    "BudgetLine",
    "Goal",
    "Idea",
    "IdeaComment",
    "IdeaStatus",
    "IdeaSupport",
    "Instrument",
    "Interest",
    "InvalidTransition",
    "JournalEntry",
    "LibraryEntry",
    "Measurement",
    "MeasurementMoment",
    "Participant",
    "Phase",
    "PhaseChange",
    "Pilot",
    "Theme",
]
