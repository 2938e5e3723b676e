from pathlib import Path

from django.core.management import BaseCommand, CommandError, CommandParser

from questions.curation.importing import (
    PageError,
    competency_per_question,
    diff_as_text,
    import_rows,
    page_dataset,
    parse_question_page,
)
from questions.models import Competency, Role


class Command(BaseCommand):
    help = (
        "Import a plain-text question page (title, role description, headings, then each "
        "question followed by its guidance, one paragraph per line). A dry run by default: it "
        "prints what would be new, changed, unchanged or wrong; --commit writes, all or nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The page, as UTF-8 text.")
        parser.add_argument("--role", required=True, help="Slug of the role the questions are for.")
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--competency", help="Slug of the competency of every question.")
        which.add_argument(
            "--blocks",
            help="Comma-separated competency slugs for consecutive blocks of questions, "
            "e.g. strategy,leadership.",
        )
        parser.add_argument(
            "--block-size",
            type=int,
            default=10,
            help="How many questions each block holds (default 10).",
        )
        parser.add_argument(
            "--commit", action="store_true", help="Write the questions (default: dry run)."
        )

    def handle(self, *args, **options) -> None:
        path: Path = options["file"]
        try:
            page = parse_question_page(_read_utf8(path))
        except PageError as error:
            raise CommandError(f"{path}: {error}") from None
        role = Role.objects.filter(slug=options["role"]).first()
        if role is None:
            known = ", ".join(Role.objects.values_list("slug", flat=True)) or "none yet"
            raise CommandError(
                f"Unknown role “{options['role']}” (known: {known}). Add it in the admin first."
            )
        blocks = [slug.strip() for slug in (options["blocks"] or "").split(",") if slug.strip()]
        unknown = sorted(
            {*blocks, options["competency"] or ""}
            - set(Competency.objects.values_list("slug", flat=True))
            - {""}
        )
        if unknown:
            known = ", ".join(Competency.objects.values_list("slug", flat=True))
            raise CommandError(f"Unknown competency {', '.join(unknown)} (known: {known}).")
        try:
            competencies = competency_per_question(
                len(page.pairs),
                competency=options["competency"],
                blocks=blocks,
                block_size=options["block_size"],
            )
        except PageError as error:
            raise CommandError(str(error)) from None

        self.stdout.write(f"“{page.title}”: {len(page.pairs)} questions for {role}.")
        if page.ignored:
            self.stdout.write(f"Ignored {len(page.ignored)} headings and page lines.")
        report = import_rows(
            page_dataset(page, role=role, competencies=competencies),
            commit=options["commit"],
            file_name=path.name,
        )
        for row in report.rows:
            self.stdout.write(f"row {row.number:>3}  {row.status:<9}  {row.text[:70]}")
            for column, change in row.changes:
                self.stdout.write(f"           {column}: {diff_as_text(change)}")
            for column, message in row.errors:
                self.stdout.write(self.style.ERROR(f"           {column}: {message}"))
        for message in report.file_errors:
            self.stdout.write(self.style.ERROR(message))
        self.stdout.write(report.summary)
        if report.has_errors:
            raise CommandError("Nothing was imported: fix the rows above and run again.")
        if options["commit"]:
            self.stdout.write(self.style.SUCCESS("Imported."))
        else:
            self.stdout.write("Dry run: nothing was written. Run again with --commit to import.")


def _read_utf8(path: Path) -> str:
    """The file's text, or a clear error when it is missing or not UTF-8."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CommandError(
            f"{path} is not UTF-8 text (byte {data[error.start]:#04x} at position "
            f"{error.start}). Save it as UTF-8 and try again."
        ) from None
