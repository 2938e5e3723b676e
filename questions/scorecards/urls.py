"""Addresses of the loop, candidate, scorecard and debrief pages (in the questions namespace)."""

from django.urls import path

# Registers the share_token converter that share links use.
import questions.kits.urls  # noqa: F401
from questions.scorecards import pages, prep_pages

urlpatterns = [
    path("loops/", pages.loop_list, name="loop-list"),
    path("loops/new/", pages.loop_create, name="loop-create"),
    path("loops/<uuid:code>/", pages.loop_detail, name="loop-detail"),
    path("loops/<uuid:code>/prep/", prep_pages.loop_prep_share, name="loop-prep-share"),
    path("loops/prep/<share_token:token>/", prep_pages.loop_prep_packet, name="loop-prep"),
    path("loops/<uuid:code>/interviews/", pages.loop_add_interview, name="loop-add-interview"),
    path(
        "loops/<uuid:code>/interviews/<int:interview_id>/",
        pages.loop_interview,
        name="loop-interview",
    ),
    path("loops/<uuid:code>/candidates/", pages.candidate_add, name="candidate-add"),
    path("candidates/<uuid:code>/", pages.candidate_detail, name="candidate-detail"),
    path("candidates/<uuid:code>/delete/", pages.candidate_delete, name="candidate-delete"),
    path(
        "candidates/<uuid:code>/interviews/<int:interview_id>/scorecard/",
        pages.scorecard_fill,
        name="scorecard-fill",
    ),
    path(
        "candidates/<uuid:code>/scorecards/<int:scorecard_id>/",
        pages.scorecard_detail,
        name="scorecard-detail",
    ),
    path("candidates/<uuid:code>/debrief/", pages.debrief_page, name="candidate-debrief"),
    path(
        "candidates/<uuid:code>/debrief/print/",
        pages.debrief_print,
        name="candidate-debrief-print",
    ),
    path("candidates/<uuid:code>/debrief/pdf/", pages.debrief_pdf, name="candidate-debrief-pdf"),
]
