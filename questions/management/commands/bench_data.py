"""Fill a benchmark database with synthetic questions and kits: see questions/benchmarks/."""

from django.core.management import BaseCommand, CommandError

from questions.benchmarks.fill import BenchDataRefused, bench_data_fill, default_kit_count


def _count(value: str) -> int:
    """A whole number, with 10k / 1m / 1_000_000 accepted."""
    text = value.strip().lower().replace("_", "").replace(",", "")
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    try:
        return int(text[:-1] if factor > 1 else text) * factor
    except ValueError:
        raise CommandError(f"“{value}” is not a number (e.g. 10000, 100k, 1m).") from None


class Command(BaseCommand):
    help = (
        "Replace the database's synthetic bank with N realistic synthetic questions and M kits "
        "(for benchmarks). Refuses a database holding questions or kits it did not write, such "
        "as the seed bank."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--questions", type=_count, required=True, help="How many (e.g. 10000, 100k, 1m)."
        )
        parser.add_argument(
            "--kits",
            type=_count,
            default=None,
            help="How many kits of 5 to 60 questions (default: one per 1,000 questions, 5 to "
            "1,000).",
        )

    def handle(self, *args, questions: int, kits: int | None, **options) -> None:
        if questions < 1:
            raise CommandError("--questions must be at least 1.")
        if kits is not None and kits < 0:
            raise CommandError("--kits cannot be negative.")
        kits = default_kit_count(questions) if kits is None else kits
        try:
            summary = bench_data_fill(
                questions=questions, kits=kits, progress=lambda line: self.stdout.write(line)
            )
        except BenchDataRefused as refusal:
            raise CommandError(str(refusal)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {summary.questions:,} synthetic questions ({summary.active:,} active), "
                f"{summary.kits:,} kits with {summary.kit_items:,} items, "
                f"{summary.vocabulary:,} vocabulary words in {summary.seconds:.1f} s."
            )
        )
