from registry.models.audit import AuditAction, AuditEvent
from registry.models.documents import (
    Direction,
    Document,
    DocumentState,
    DocumentUserObjectPermission,
    HandlingStep,
    NeedToKnowGrant,
    RegistrationCounter,
)
from registry.models.people import Unit, User

__all__ = [
    "AuditAction",
    "AuditEvent",
    "Direction",
    "Document",
    "DocumentState",
    "DocumentUserObjectPermission",
    "HandlingStep",
    "NeedToKnowGrant",
    "RegistrationCounter",
    "Unit",
    "User",
]
