from django.core.management import BaseCommand, call_command

from questions.curation.history import history_record_loaded
from questions.models import Question
from questions.search import meaning

# Rating scales are the project's own additions (marked so), not from the source page.
SEED_FIXTURES = ["competencies", "roles", "questions", "rating_scales"]


class Command(BaseCommand):
    help = (
        "Load the seed bank (competencies, roles, questions and the rating scales written for "
        "them) into an empty database. "
        "Reloading is idempotent: rows are matched by slug."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even if the bank already has questions, overwriting seed questions "
            "with their original wording.",
        )

    def handle(self, *args, force: bool = False, **options) -> None:
        if Question.objects.exists() and not force:
            self.stdout.write("The bank already has questions; seed not loaded (use --force).")
            return
        call_command("loaddata", *SEED_FIXTURES, verbosity=0)
        # loaddata's raw saves record no history; give each loaded row its first version.
        history_record_loaded(reason="Loaded from the seed bank")
        # Their sentence vectors now, also inside a caller's transaction (tests).
        meaning.refresh_all()
        self.stdout.write(
            self.style.SUCCESS(f"Seed bank loaded: {Question.objects.count()} questions.")
        )
