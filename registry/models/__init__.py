from registry.models.archive import Loan, LoanState, StorageLocation, StorageZone
from registry.models.audit import AuditAction, AuditEvent
from registry.models.chain import ChainVerification, VerificationSource
from registry.models.declassification import (
    ClassificationDecision,
    DecisionKind,
    ReclassificationNotice,
    ReviewOutcome,
    ReviewRecord,
)
from registry.models.destruction import DestructionItem, DestructionList, DestructionMethod, DestructionState
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
from registry.models.handover import Handover, HandoverItem, HandoverReason, ItemKind
from registry.models.meetings import (
    Meeting,
    MeetingAttendee,
    MeetingPublication,
    MeetingStaff,
    MeetingState,
    PublicationState,
    VenueCheck,
)
from registry.models.party_requests import ApplicantKind, OnSiteReading, PartyDecision, PartyRequest
from registry.models.people import Unit, User

__all__ = [
    "ApplicantKind",
    "AuditAction",
    "AuditEvent",
    "ChainVerification",
    "ClassificationDecision",
    "CopyCustody",
    "CopyMovement",
    "CopyState",
    "Decision",
    "DecisionKind",
    "DestructionItem",
    "DestructionList",
    "DestructionMethod",
    "DestructionState",
    "Direction",
    "Dispatch",
    "DispatchState",
    "DistributionRecipient",
    "DistributionRequest",
    "Document",
    "DocumentCopy",
    "DocumentState",
    "DocumentUserObjectPermission",
    "HandlingStep",
    "Handover",
    "HandoverItem",
    "HandoverReason",
    "ItemKind",
    "Loan",
    "LoanState",
    "Meeting",
    "MeetingAttendee",
    "MeetingPublication",
    "MeetingStaff",
    "MeetingState",
    "NeedToKnowGrant",
    "OnSiteReading",
    "PartyDecision",
    "PartyRequest",
    "PublicationState",
    "ReclassificationNotice",
    "RegistrationCounter",
    "ReproductionKind",
    "ReproductionRequest",
    "ReviewOutcome",
    "ReviewRecord",
    "StorageLocation",
    "StorageZone",
    "Unit",
    "User",
    "VenueCheck",
    "VerificationSource",
]
