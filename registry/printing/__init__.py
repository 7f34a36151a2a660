"""Printed forms: Django templates under ``templates/pdf/`` rendered to PDF by WeasyPrint, one
module per area; ``render`` holds the rendering itself (fonts, HarfBuzz, the resource fetcher)."""

from registry.printing.documents import (
    cover_sheet_context,
    dispatch_list_context,
    distribution_register_context,
    inner_envelope_context,
    outer_envelope_context,
)
from registry.printing.later_life import destruction_inventory_context, party_letter_context
from registry.printing.meetings import meeting_attendance_context, meeting_recall_context
from registry.printing.people import handover_list_context
from registry.printing.register import register_print_context
from registry.printing.render import TEMPLATES, check_resource_url, harfbuzz_subsetting, render_html, render_pdf
from registry.printing.review import INSPECTION_ROWS, inspection_report_context

__all__ = [
    "INSPECTION_ROWS",
    "TEMPLATES",
    "check_resource_url",
    "cover_sheet_context",
    "destruction_inventory_context",
    "dispatch_list_context",
    "distribution_register_context",
    "handover_list_context",
    "harfbuzz_subsetting",
    "inner_envelope_context",
    "inspection_report_context",
    "meeting_attendance_context",
    "meeting_recall_context",
    "outer_envelope_context",
    "party_letter_context",
    "register_print_context",
    "render_html",
    "render_pdf",
]
