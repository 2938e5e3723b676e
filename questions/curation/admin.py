from contextlib import suppress
from datetime import datetime
from functools import partial
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import BadRequest
from django.db.models import Count, F, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import JSON
from import_export.forms import ExportForm
from import_export.results import Result
from rest_framework.authtoken.models import TokenProxy

from questions.bank.rules import question_save, question_set_active
from questions.curation.history import HistoryAdmin
from questions.curation.importing import import_report
from questions.curation.quality import similar_questions
from questions.curation.report_admin import report_view
from questions.curation.resources import QuestionResource
from questions.models import (
    Competency,
    ImportUpload,
    Question,
    Role,
    Synonym,
)
from questions.scorecards.admin import RatingScaleInline
from questions.scorecards.effectiveness import (
    EVERY_LOOP,
    effectiveness_summary,
    rated_answers,
)
from questions.spreadsheets import SafeCSV, SafeXLSX


class LabelledRowForm(ModelForm):
    """A list row's editable fields, each named after its column and row: the list has no
    labels of its own, so assistive technology would announce a bare number box."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("aria-label", f"{field.label} of {self.instance}")


@admin.register(Competency)
class CompetencyAdmin(HistoryAdmin):
    list_display = ["name", "slug", "display_order", "question_count"]
    list_editable = ["display_order"]

    def get_changelist_form(self, request: HttpRequest, **kwargs):
        return super().get_changelist_form(request, form=LabelledRowForm, **kwargs)

    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "description"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(_question_count=Count("questions"))

    @admin.display(description="Questions", ordering="_question_count")
    def question_count(self, competency: Competency) -> int:
        return competency._question_count


@admin.register(Role)
class RoleAdmin(HistoryAdmin):
    list_display = ["title", "slug", "question_count"]
    prepopulated_fields = {"slug": ["title"]}
    search_fields = ["title", "summary"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(_question_count=Count("questions"))

    @admin.display(description="Questions", ordering="_question_count")
    def question_count(self, role: Role) -> int:
        return role._question_count


@admin.register(Synonym)
class SynonymAdmin(HistoryAdmin):
    """Synonyms searches widen words with; a change applies to the next search."""

    list_display = ["term", "kind", "synonyms", "added_by_project", "updated_at"]
    list_filter = ["kind", "added_by_project"]
    search_fields = ["term", "synonyms"]
    fields = ["term", "kind", "synonyms", "added_by_project"]
    readonly_fields = ["added_by_project"]


@admin.register(Question)
class QuestionAdmin(ImportExportMixin, HistoryAdmin):
    list_display = [
        "short_text",
        "competency",
        "question_type",
        "level",
        "is_active",
        "kits_using",
        "last_added_to_kit",
        "updated_at",
    ]
    list_filter = ["competency", "roles", "question_type", "level", "is_active"]
    list_select_related = ["competency"]
    # A question's rating scale is written on its page (scorecards/admin.py).
    inlines = [RatingScaleInline]
    search_fields = ["text", "guidance", "slug"]
    prepopulated_fields = {"slug": ["text"]}
    filter_horizontal = ["roles"]
    # A search box, not a list of a million questions.
    autocomplete_fields = ["alternates"]
    readonly_fields = ["created_at", "updated_at", "how_it_rates"]
    actions = ["retire", "restore"]
    list_per_page = 50
    fieldsets = [
        (None, {"fields": ["text", "guidance", "competency", "roles"]}),
        (
            "Classification",
            {"fields": ["question_type", "level", "minutes", "is_active", "retired_reason"]},
        ),
        ("Alternates", {"fields": ["alternates"]}),
        ("Identity", {"fields": ["slug", "created_at", "updated_at"], "classes": ["collapse"]}),
        ("How it rates", {"fields": ["how_it_rates"], "classes": ["collapse"]}),
    ]

    # Import and export (django-import-export): the changelist's filters and search apply.
    resource_classes = [QuestionResource]
    # Text that would start a formula stays text when the file is opened in a spreadsheet.
    formats = [SafeCSV, JSON, SafeXLSX]
    # The plain form: the one that picks columns needs inline script, and a round trip
    # needs every column anyway.
    export_form_class = ExportForm
    import_template_name = "admin/questions/question/import.html"
    # Import and export add their buttons to this one's (import_export's own template).
    change_list_template = "admin/questions/question/change_list_with_report.html"

    def get_urls(self):
        report = path(
            "report/",
            self.admin_site.admin_view(partial(report_view, self)),
            name="questions_question_report",
        )
        return [report, *super().get_urls()]

    @admin.display(description="Ratings")
    def how_it_rates(self, question: Question) -> str:
        """The question page's figures, from every loop: the admin is for staff only."""
        if question.pk is None:
            return "Not rated yet."
        html = render_to_string(
            "questions/scorecards/_effectiveness.html",
            effectiveness_summary(question, rated_answers(), EVERY_LOOP),
        )
        # The admin turns line breaks in a read-only value into <br>; the HTML was escaped
        # when rendered.
        return mark_safe(html.replace("\n", " "))

    @admin.display(description="Question", ordering="text")
    def short_text(self, question: Question) -> str:
        return str(question)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # Usage in the same query as the page of questions, so it can be sorted on.
        return super().get_queryset(request).with_usage()

    @admin.display(description="Kits", ordering="kit_count")
    def kits_using(self, question: Question) -> int:
        return question.kit_count

    # "Never" counts as longest ago: first when sorted oldest first, last when newest first.
    @admin.display(
        description="Last added to a kit",
        ordering=F("last_added_to_kit").asc(nulls_first=True),
        empty_value="never",
    )
    def last_added_to_kit(self, question: Question) -> datetime | None:
        return question.last_added_to_kit

    def save_model(
        self, request: HttpRequest, obj: Question, form: ModelForm, change: bool
    ) -> None:
        # The form has checked the question as question_save() does; saving through it
        # gives the admin the API's answer when another editor took the text meanwhile.
        self.note_history(request, obj)
        question_save(obj)
        # Warn, never block: the editor decides. Checked only when the wording changes.
        if change and not {"text", "guidance"} & set(form.changed_data):
            return
        for warning in obj.wording_warnings:
            messages.warning(request, warning)
        for twin in similar_questions(obj.text, exclude_pk=obj.pk):
            messages.warning(
                request,
                format_html(
                    'This question is very similar ({}% alike) to “<a href="{}">{}</a>”. '
                    "Retire one of them, or make them ask different things.",
                    round(twin.similarity * 100),
                    reverse("admin:questions_question_change", args=[twin.pk]),
                    twin,
                ),
            )

    def has_import_permission(self, request: HttpRequest) -> bool:
        # Importing adds and changes questions, so it needs those permissions too.
        return (
            super().has_import_permission(request)
            and self.has_add_permission(request)
            and self.has_change_permission(request)
        )

    def get_export_queryset(self, request: HttpRequest) -> QuerySet:
        # The changelist answers filters it cannot apply by dropping them; an export must not
        # guess what was meant, so it says so.
        try:
            queryset = super().get_export_queryset(request)
        except IncorrectLookupParameters as error:
            raise BadRequest("Those filters are not valid; export from the list again.") from error
        return queryset.prefetch_related("roles")

    def get_export_data(self, file_format: Any, request: HttpRequest, queryset: QuerySet, **kwargs):
        # A byte-order mark lets spreadsheet programs read the CSV as UTF-8 (curly quotes, accents).
        if isinstance(file_format, SafeCSV):
            kwargs["encoding"] = "utf-8-sig"
        return super().get_export_data(file_format, request, queryset, **kwargs)

    def get_import_data_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        # All or nothing: a row that fails on confirmation rolls back the others too.
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}

    def add_data_read_fail_error_to_form(self, form: Any, error: Exception) -> None:
        if isinstance(error, UnicodeDecodeError):
            form.add_error(
                "import_file",
                "The file is not UTF-8 text. In your spreadsheet program, save it as "
                "“CSV UTF-8” (or choose the XLSX format) and upload it again.",
            )
        else:
            form.add_error(
                "import_file",
                "The file could not be read as the chosen format. Check the format "
                "(CSV, JSON or XLSX) and that the file is not damaged.",
            )

    def import_action(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        response = super().import_action(request, **kwargs)
        if not isinstance(response, TemplateResponse):
            return response
        context = response.context_data
        # The preview lists each row as new / changed / unchanged / error.
        if context.get("result"):
            context["report"] = import_report(context["result"])
        if "confirm_form" not in context:
            self._remove_uploaded_copy(context.get("form"))
        return response

    def _remove_uploaded_copy(self, form: Any) -> None:
        """Delete the server's copy of a file that cannot be confirmed (it had errors)."""
        upload = (getattr(form, "cleaned_data", None) or {}).get("import_file")
        name = getattr(upload, "tmp_storage_name", None)
        if name:
            storage = self.get_tmp_storage_class()(name=name, **self.get_tmp_storage_class_kwargs())
            with suppress(OSError):
                storage.remove()

    def process_import(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        try:
            return super().process_import(request, **kwargs)
        except ImportUpload.DoesNotExist:
            # Confirmed twice (a double click, the back button) or left for over a day.
            messages.error(
                request,
                "Nothing was imported: this file was already imported or its preview is too "
                "old. Upload it again to see a fresh preview.",
            )
            return HttpResponseRedirect(reverse("admin:questions_question_import"))

    def process_result(self, result: Result, request: HttpRequest) -> HttpResponse:
        report = import_report(result)
        if report.has_errors:
            # The bank changed between preview and confirmation; the import was rolled back.
            messages.error(
                request,
                "Nothing was imported: the file no longer passes the checks. "
                "Upload it again to see why.",
            )
            return HttpResponseRedirect(reverse("admin:questions_question_import"))
        return super().process_result(result, request)

    def add_success_message(self, result: Result, request: HttpRequest) -> None:
        messages.success(request, f"Import finished. {import_report(result).summary}")

    @admin.action(description="Retire selected questions", permissions=["change"])
    def retire(self, request: HttpRequest, queryset: QuerySet) -> None:
        changed = question_set_active(queryset, active=False)
        self.message_user(request, f"Retired {changed} question(s).", messages.SUCCESS)

    @admin.action(description="Restore selected questions", permissions=["change"])
    def restore(self, request: HttpRequest, queryset: QuerySet) -> None:
        changed = question_set_active(queryset, active=True)
        self.message_user(request, f"Restored {changed} question(s).", messages.SUCCESS)


# DRF's own token admin shows each key and makes new ones; keys are now kept as digests
# (interviewbank.auth.token_digest), so one made there would be shown nowhere and work nowhere.
admin.site.unregister(TokenProxy)


@admin.register(TokenProxy)
class ApiTokenAdmin(admin.ModelAdmin):
    """Who has an API token, and since when; deleting one revokes it. People make their
    own on their account page, where the key is shown once."""

    list_display = ["user", "created"]
    fields = ["user", "created"]
    readonly_fields = fields
    search_fields = ["user__username", "user__email"]
    list_select_related = ["user"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
