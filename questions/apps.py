from django.apps import AppConfig


class QuestionsConfig(AppConfig):
    name = "questions"
    verbose_name = "Question bank"

    def ready(self) -> None:
        # Keeps each question's sentence vector current as questions are saved.
        from questions.search import meaning  # noqa: F401
