"""Give every question a current sentence vector, for meaning-based search."""

from django.core.management import BaseCommand

from questions.search import meaning


class Command(BaseCommand):
    help = (
        "Encode every question whose sentence vector is missing or stale (after a bulk load "
        "that bypassed the ORM, or a new model), and add pgvector's HNSW index where the "
        "server offers the extension."
    )

    def handle(self, *args, **options) -> None:
        if not meaning.available():
            self.stderr.write(meaning.UNAVAILABLE)
            return
        indexed = meaning.install_index()
        encoded = meaning.refresh_all()
        how = "an HNSW index (pgvector)" if indexed else "vectors compared in SQL (no pgvector)"
        self.stdout.write(self.style.SUCCESS(f"Encoded {encoded:,} questions; search uses {how}."))
