from django.core.management import BaseCommand
from django.db import connection, transaction


class Command(BaseCommand):
    help = (
        "Recount the search vocabulary (the bank's words that typo correction uses) from the "
        "questions. Triggers keep it current; run this after a bulk load that switched them "
        "off with SET questions.vocabulary_sync = 'off'."
    )

    def handle(self, *args, **options) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT questions_searchterm_rebuild()")
            (words,) = cursor.fetchone()
        self.stdout.write(self.style.SUCCESS(f"Search vocabulary rebuilt: {words} words."))
