"""Forms of the registry's pages. They only check the shape of the input; the rules of secrecy are
the services' business, and the services' refusals are attached back to these fields.

One module per area; every form and helper is importable from ``registry.forms`` itself."""

from __future__ import annotations

from registry.forms.archive import (
    PERMANENT,
    ArchiveHandoverForm,
    ArchiveReceiveForm,
    LoanDecideForm,
    LoanLendForm,
    LoanRequestForm,
    LoanReturnForm,
)
from registry.forms.base import (
    ActionForm,
    DecideForm,
    DecisionChoice,
    FilterForm,
    ServiceErrorsMixin,
)
from registry.forms.declassification import (
    DeclassEventForm,
    NoticeToldForm,
    ReclassifyForm,
    ReviewForm,
)
from registry.forms.destruction import (
    DestructionApproveForm,
    DestructionDraftForm,
    DestructionRecordForm,
)
from registry.forms.distribution import (
    CopyPassForm,
    CopyRecallForm,
    CopyReturnForm,
    CopySignForForm,
    DispatchForm,
    DispatchReceiptForm,
    DistributionDecideForm,
    DistributionRequestForm,
    GrantRevokeForm,
    ReproductionDecideForm,
    ReproductionRequestForm,
)
from registry.forms.documents import (
    BeginHandlingForm,
    CancelForm,
    DocumentRegisterForm,
    OpenForm,
    RegisterFilterForm,
    RouteForm,
    SignForForm,
)
from registry.forms.fields import (
    HourMinuteField,
    RocDateField,
    RocDateInput,
    choices_with_blank,
    end_of_roc_day,
    taipei_datetime,
)
from registry.forms.meetings import (
    AttendeeProposeForm,
    MeetingCopyReturnForm,
    MeetingDecideForm,
    MeetingDocumentForm,
    MeetingEmptyForm,
    MeetingForm,
    MeetingRegisterForm,
    MinutesDistributeForm,
    PublicationRequestForm,
    StaffChooseForm,
    VenueCheckForm,
)
from registry.forms.party_requests import (
    PartyDecideForm,
    PartyReadingForm,
    PartyRequestForm,
)
from registry.forms.people import (
    active_people,
    cleared_people,
    people_in_roles,
    people_who_know,
    person_label,
)

__all__ = [
    "PERMANENT",
    "ActionForm",
    "ArchiveHandoverForm",
    "ArchiveReceiveForm",
    "AttendeeProposeForm",
    "BeginHandlingForm",
    "CancelForm",
    "CopyPassForm",
    "CopyRecallForm",
    "CopyReturnForm",
    "CopySignForForm",
    "DecideForm",
    "DecisionChoice",
    "DeclassEventForm",
    "DestructionApproveForm",
    "DestructionDraftForm",
    "DestructionRecordForm",
    "DispatchForm",
    "DispatchReceiptForm",
    "DistributionDecideForm",
    "DistributionRequestForm",
    "DocumentRegisterForm",
    "FilterForm",
    "GrantRevokeForm",
    "HourMinuteField",
    "LoanDecideForm",
    "LoanLendForm",
    "LoanRequestForm",
    "LoanReturnForm",
    "MeetingCopyReturnForm",
    "MeetingDecideForm",
    "MeetingDocumentForm",
    "MeetingEmptyForm",
    "MeetingForm",
    "MeetingRegisterForm",
    "MinutesDistributeForm",
    "NoticeToldForm",
    "OpenForm",
    "PartyDecideForm",
    "PartyReadingForm",
    "PartyRequestForm",
    "PublicationRequestForm",
    "ReclassifyForm",
    "RegisterFilterForm",
    "ReproductionDecideForm",
    "ReproductionRequestForm",
    "ReviewForm",
    "RocDateField",
    "RocDateInput",
    "RouteForm",
    "ServiceErrorsMixin",
    "SignForForm",
    "StaffChooseForm",
    "VenueCheckForm",
    "active_people",
    "choices_with_blank",
    "cleared_people",
    "end_of_roc_day",
    "people_in_roles",
    "people_who_know",
    "person_label",
    "taipei_datetime",
]
