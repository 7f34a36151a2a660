from registry.models.audit import AuditAction, AuditEvent
from registry.models.dispatch import Dispatch, DispatchState
from registry.models.distribution import (
    CopyCustody,
    CopyMovement,
    CopyState,
    Decision,
    DistributionRecipient,
    DistributionRequest,
    DocumentCopy,
    ReproductionKind,
    ReproductionRequest,
)
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
    "CopyCustody",
    "CopyMovement",
    "CopyState",
    "Decision",
    "Dispatch",
    "DispatchState",
    "DistributionRecipient",
    "DistributionRequest",
    "DocumentCopy",
    "ReproductionKind",
    "ReproductionRequest",
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
