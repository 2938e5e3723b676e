"""The editors' report in the admin: questions flagged as too easy, too noisy, over-exposed
or never used, filtered by flag, and as a CSV file (questions/scorecards/report.py counts)."""

import csv

from django.contrib.admin import ModelAdmin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from questions.counting import CappedPaginator
from questions.links import page_number
from questions.models import Question
from questions.scorecards import report
from questions.scorecards.effectiveness import EXPOSURE_DAYS
from questions.spreadsheets import neutralised

PER_PAGE = 50
CSV_HEADER = [
    "id",
    "question",
    "competency",
    "flags",
    "times rated",
    "% at the top level",
    "% of pairs agreeing",
    "pairs",
    f"candidates asked (last {EXPOSURE_DAYS} days)",
]


def report_view(model_admin: ModelAdmin, request: HttpRequest) -> HttpResponse:
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    flag = request.GET.get("flag", "")
    if flag not in report.FLAGS:
        flag = ""
    if flag == "unused":
        # Never rated, so nothing to count.
        figures = {}
        questions = report.never_used().select_related("competency").order_by("pk")
    else:
        figures = report.rating_figures()
        flagged = [
            f.question_id for f in figures.values() if (flag in f.flags if flag else f.flags)
        ]
        questions = (
            Question.objects.filter(pk__in=flagged).select_related("competency").order_by("pk")
        )
    if request.GET.get("format") == "csv":
        return _csv(questions, figures, flag)
    page = CappedPaginator(questions, PER_PAGE).get_page(page_number(request.GET.get("page")))
    empty = report.QuestionFigures(0)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "Editors' report",
        "opts": model_admin.model._meta,
        "flags": report.FLAGS,
        "flag": flag,
        "page": page,
        "rows": [(question, figures.get(question.pk, empty)) for question in page],
        "thresholds": {
            "min_sample": report.MIN_SAMPLE,
            "ceiling": round(report.CEILING_FLAG * 100),
            "agreement": round(report.AGREEMENT_FLAG * 100),
            "pairs": report.NOISY_MIN_PAIRS,
            "exposed": report.OVER_EXPOSED,
            "days": EXPOSURE_DAYS,
        },
    }
    return TemplateResponse(request, "admin/questions/question/report.html", context)


def _csv(questions, figures: dict, flag: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="editors-report{"-" + flag if flag else ""}.csv"'
    )
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    empty = report.QuestionFigures(0)
    for question in questions.iterator(chunk_size=2000):
        figure = figures.get(question.pk, empty)
        flags = figure.flags if flag != "unused" else ["unused"]
        writer.writerow(
            neutralised(value)
            for value in [
                question.pk,
                question.text,
                question.competency.name,
                ", ".join(report.FLAGS[name] for name in flags),
                figure.rated,
                "" if figure.ceiling_percent is None else figure.ceiling_percent,
                "" if figure.agreement_percent is None else figure.agreement_percent,
                figure.pairs,
                figure.exposure,
            ]
        )
    return response
