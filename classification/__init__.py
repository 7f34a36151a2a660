"""The rules of secrecy: levels, markings, periods, declassification, transit and clearance.

Pure domain code: nothing here imports the registry, and from Django only gettext_lazy.
"""

from classification.declassification import (
    ClassificationRuleError,
    DeclassKind,
    Protection,
    RuleViolation,
    check_protection,
)
from classification.levels import Level, LevelRule, clearance_permits
from classification.party_access import RefusalGround
from classification.roc import RocDateError, format_roc, format_roc_short, parse_roc, roc_year
from classification.transit import TransitMethod, TransitRuleError, allowed_methods, check_method

__all__ = [
    "ClassificationRuleError",
    "DeclassKind",
    "Level",
    "LevelRule",
    "Protection",
    "RefusalGround",
    "RocDateError",
    "RuleViolation",
    "TransitMethod",
    "TransitRuleError",
    "allowed_methods",
    "check_method",
    "check_protection",
    "clearance_permits",
    "format_roc",
    "format_roc_short",
    "parse_roc",
    "roc_year",
]
