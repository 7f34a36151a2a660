"""Printed forms, under /print/ (config/urls.py includes this module with the "print" namespace)."""

from django.urls import path

from registry.views import printing

app_name = "print"
urlpatterns = [
    path("documents/<int:pk>/cover.pdf", printing.cover_sheet, name="cover_sheet"),
    path("documents/<int:pk>/distribution.pdf", printing.distribution_register, name="distribution_register"),
    path("dispatches/<int:pk>/inner.pdf", printing.envelope_inner, name="envelope_inner"),
    path("dispatches/<int:pk>/outer.pdf", printing.envelope_outer, name="envelope_outer"),
    # <str:day>, not a date pattern: a malformed day gets a 400 that says what is expected.
    path("dispatches/day/<str:day>.pdf", printing.dispatch_list, name="dispatch_list"),
    # The ethics office's inspection report of a period (?from=YYYY-MM-DD&to=YYYY-MM-DD).
    path("review/inspection.pdf", printing.inspection_report, name="inspection_report"),
    # Classified meetings: the attendance sheet and the recall list of the materials.
    path("meetings/<int:pk>/attendance.pdf", printing.meeting_attendance, name="meeting_attendance"),
    path("meetings/<int:pk>/recall.pdf", printing.meeting_recall, name="meeting_recall"),
    path("destructions/<int:pk>/inventory.pdf", printing.destruction_inventory, name="destruction_inventory"),
    path("party-requests/<int:pk>/letter.pdf", printing.party_letter, name="party_letter"),
    # 登記簿: the person's register, filtered as on the register page (?registered_from=…&direction=…).
    path("register.pdf", printing.register, name="register"),
    # The hand-over list (移交清冊) with the predecessor's, successor's and supervisor's signatures.
    path("handovers/<int:pk>/list.pdf", printing.handover_list, name="handover_list"),
]
