from django.urls import path

from registry.views import (
    archive,
    audit,
    declassification,
    destruction,
    dispatch,
    distribution,
    documents,
    meetings,
    party_requests,
    register,
    review,
)

app_name = "registry"

urlpatterns = [
    # The dashboard with every area's waiting work, the later life's included.
    path("", archive.DashboardView.as_view(), name="dashboard"),
    path("register/", register.RegisterListView.as_view(), name="register"),
    path("documents/new/", documents.DocumentRegisterView.as_view(), name="document_register"),
    path("documents/<int:pk>/", documents.DocumentDetailView.as_view(), name="document_detail"),
    path("documents/<int:pk>/trail/", documents.DocumentTrailView.as_view(), name="document_trail"),
    path("documents/<int:pk>/open/", documents.DocumentOpenView.as_view(), name="document_open"),
    path("documents/<int:pk>/route/", documents.DocumentRouteView.as_view(), name="document_route"),
    path("documents/<int:pk>/sign-for/", documents.DocumentSignForView.as_view(), name="document_sign_for"),
    path(
        "documents/<int:pk>/begin-handling/",
        documents.DocumentBeginHandlingView.as_view(),
        name="document_begin_handling",
    ),
    path("documents/<int:pk>/cancel/", documents.DocumentCancelView.as_view(), name="document_cancel"),
    path("audit/", audit.AuditSearchView.as_view(), name="audit_search"),
    path("audit/export.csv", audit.AuditExportView.as_view(), name="audit_export"),
    # The ethics office's review (政風查核): chain state, a person's activity, anomaly reports.
    path("review/", review.ReviewHomeView.as_view(), name="review_home"),
    path("review/verify/", review.ChainVerifyView.as_view(), name="review_verify"),
    path("review/reports/<slug:report>/", review.ReportView.as_view(), name="review_report"),
    path("review/people/", review.PeopleView.as_view(), name="review_people"),
    path("review/people/<int:user_id>/", review.PersonActivityView.as_view(), name="review_person"),
    # Restricted distribution (限制分發), numbered copies, copying and publication, grants.
    path(
        "documents/<int:pk>/distribution/request/",
        distribution.DistributionRequestView.as_view(),
        name="distribution_request",
    ),
    path(
        "documents/<int:pk>/distribution/recipients/<int:item>/decide/",
        distribution.DistributionDecideView.as_view(),
        name="distribution_decide",
    ),
    path("documents/<int:pk>/copies/recall/", distribution.CopyRecallView.as_view(), name="copy_recall"),
    path("documents/<int:pk>/copies/<int:item>/sign-for/", distribution.CopySignForView.as_view(), name="copy_sign_for"),
    path("documents/<int:pk>/copies/<int:item>/pass/", distribution.CopyPassView.as_view(), name="copy_pass"),
    path("documents/<int:pk>/copies/<int:item>/return/", distribution.CopyReturnView.as_view(), name="copy_return"),
    path(
        "documents/<int:pk>/reproduction/request/",
        distribution.ReproductionRequestView.as_view(),
        name="reproduction_request",
    ),
    path(
        "documents/<int:pk>/reproduction/<int:item>/decide/",
        distribution.ReproductionDecideView.as_view(),
        name="reproduction_decide",
    ),
    path("documents/<int:pk>/grants/<int:item>/revoke/", distribution.GrantRevokeView.as_view(), name="grant_revoke"),
    # Dispatch (封發) and receipts (回執).
    path("documents/<int:pk>/dispatches/new/", dispatch.DispatchRecordView.as_view(), name="dispatch_record"),
    path(
        "documents/<int:pk>/dispatches/<int:item>/receipt/",
        dispatch.DispatchReceiptView.as_view(),
        name="dispatch_receipt",
    ),
    path("dispatches/", dispatch.DispatchListView.as_view(), name="dispatch_list"),
    # Classified meetings (會議機密維護).
    path("meetings/", meetings.MeetingListView.as_view(), name="meeting_list"),
    path("meetings/new/", meetings.MeetingRegisterView.as_view(), name="meeting_register"),
    path("meetings/<int:pk>/", meetings.MeetingDetailView.as_view(), name="meeting_detail"),
    path("meetings/<int:pk>/venue-checks/", meetings.VenueCheckView.as_view(), name="meeting_venue_check"),
    path("meetings/<int:pk>/staff/", meetings.StaffChooseView.as_view(), name="meeting_staff"),
    path("meetings/<int:pk>/attendees/", meetings.AttendeeProposeView.as_view(), name="meeting_attendee_propose"),
    path(
        "meetings/<int:pk>/attendees/<int:item>/decide/",
        meetings.AttendeeDecideView.as_view(),
        name="meeting_attendee_decide",
    ),
    path(
        "meetings/<int:pk>/attendees/<int:item>/hand-out/",
        meetings.HandOutView.as_view(),
        name="meeting_hand_out",
    ),
    path("meetings/<int:pk>/materials/", meetings.MaterialsSetView.as_view(), name="meeting_materials"),
    path("meetings/<int:pk>/materials/recall/", meetings.RecallView.as_view(), name="meeting_recall"),
    path(
        "meetings/<int:pk>/materials/<int:item>/return/",
        meetings.CopyReturnView.as_view(),
        name="meeting_copy_return",
    ),
    path("meetings/<int:pk>/announce/", meetings.AnnounceView.as_view(), name="meeting_announce"),
    path("meetings/<int:pk>/close/", meetings.CloseView.as_view(), name="meeting_close"),
    path("meetings/<int:pk>/minutes/", meetings.MinutesSetView.as_view(), name="meeting_minutes"),
    path(
        "meetings/<int:pk>/minutes/distribute/",
        meetings.MinutesDistributeView.as_view(),
        name="meeting_minutes_distribute",
    ),
    path(
        "meetings/<int:pk>/publications/",
        meetings.PublicationRequestView.as_view(),
        name="meeting_publication_request",
    ),
    path(
        "meetings/<int:pk>/publications/<int:item>/decide/",
        meetings.PublicationDecideView.as_view(),
        name="meeting_publication_decide",
    ),
    path(
        "meetings/<int:pk>/publications/<int:item>/publish/",
        meetings.PublicationPublishView.as_view(),
        name="meeting_publication_publish",
    ),
    # The later life: archive and loans (歸檔、借調), declassification and review (解密、檢討),
    # destruction (銷毀), parties' requests (申請閱卷).
    path("documents/<int:pk>/archive/handover/", archive.ArchiveHandoverView.as_view(), name="archive_handover"),
    path("documents/<int:pk>/archive/receive/", archive.ArchiveReceiveView.as_view(), name="archive_receive"),
    path("documents/<int:pk>/loans/request/", archive.LoanRequestView.as_view(), name="loan_request"),
    path("documents/<int:pk>/loans/<int:item>/decide/", archive.LoanDecideView.as_view(), name="loan_decide"),
    path("documents/<int:pk>/loans/<int:item>/lend/", archive.LoanLendView.as_view(), name="loan_lend"),
    path("documents/<int:pk>/loans/<int:item>/return/", archive.LoanReturnView.as_view(), name="loan_return"),
    path(
        "documents/<int:pk>/declassification/event/",
        declassification.DeclassEventView.as_view(),
        name="declass_event",
    ),
    path(
        "documents/<int:pk>/declassification/review/",
        declassification.ReviewRecordView.as_view(),
        name="review_record",
    ),
    path(
        "documents/<int:pk>/declassification/decide/",
        declassification.ReclassifyView.as_view(),
        name="reclassify",
    ),
    path(
        "documents/<int:pk>/declassification/notices/<int:item>/told/",
        declassification.NoticeToldView.as_view(),
        name="notice_told",
    ),
    path("archive/", archive.ArchiveView.as_view(), name="archive"),
    path("declassification/", declassification.DeclassificationView.as_view(), name="declassification"),
    path("destructions/", destruction.DestructionListView.as_view(), name="destruction_list"),
    path("destructions/new/", destruction.DestructionNewView.as_view(), name="destruction_new"),
    path("destructions/<int:pk>/", destruction.DestructionDetailView.as_view(), name="destruction_detail"),
    path("destructions/<int:pk>/approve/", destruction.DestructionApproveView.as_view(), name="destruction_approve"),
    path("destructions/<int:pk>/record/", destruction.DestructionRecordView.as_view(), name="destruction_record"),
    path("party-requests/", party_requests.PartyRequestListView.as_view(), name="party_request_list"),
    path("party-requests/new/", party_requests.PartyRequestNewView.as_view(), name="party_request_new"),
    path("party-requests/<int:pk>/", party_requests.PartyRequestDetailView.as_view(), name="party_request_detail"),
    path(
        "party-requests/<int:pk>/decide/",
        party_requests.PartyRequestDecideView.as_view(),
        name="party_request_decide",
    ),
    path("party-requests/<int:pk>/reading/", party_requests.PartyReadingView.as_view(), name="party_reading"),
]
