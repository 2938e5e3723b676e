"""Forms for the loop and scorecard pages: they parse input; the rules live in rules.py."""

from django import forms
from django.contrib.auth import get_user_model

from questions.kits.forms import CompetencyChoices
from questions.models import Kit, Role
from questions.scorecards.models import LEVELS, Rating, Recommendation, Scorecard

NOT_ASKED = "not-asked"
LEVEL_CHOICES = [(str(level), str(level)) for level in LEVELS] + [(NOT_ASKED, "Not asked")]


def interviewer_choices():
    """People who may fill scorecards: interviewers and hiring managers."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            groups__permissions__codename="add_scorecard",
        )
        .distinct()
        .order_by("username")
    )


class InterviewerChoices(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("queryset", interviewer_choices())
        kwargs.setdefault("to_field_name", "username")
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def label_from_instance(self, user) -> str:
        full = user.get_full_name()
        return f"{full} ({user.username})" if full else user.username


class LoopForm(forms.Form):
    title = forms.CharField(max_length=200, help_text='For example "Ops Manager - onsite".')
    role = forms.ModelChoiceField(
        queryset=Role.objects.all(), required=False, to_field_name="slug", empty_label="No role"
    )
    competencies = CompetencyChoices(
        label="Competencies the loop must assess",
        help_text="The coverage check names any no interview asks about. None ticked: all.",
    )


class InterviewForm(forms.Form):
    """Add one of my kits to the loop, with its interviewers."""

    kit = forms.ModelChoiceField(queryset=Kit.objects.none(), to_field_name="code")
    interviewers = InterviewerChoices()

    def __init__(self, *args, owner, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kit"].queryset = Kit.objects.owned_by(owner).active().order_by("title")


class InterviewersForm(forms.Form):
    interviewers = InterviewerChoices()


class CandidateForm(forms.Form):
    reference = forms.CharField(
        max_length=64,
        help_text="An applicant-tracking id or initials: nothing that identifies the person "
        "outside your hiring team.",
    )
    display_name = forms.CharField(label="Display name (optional)", max_length=80, required=False)


class ScorecardForm(forms.Form):
    """One field pair per question (level, evidence), then recommendation and summary."""

    recommendation = forms.ChoiceField(
        choices=Recommendation.choices, required=False, widget=forms.RadioSelect
    )
    summary = forms.CharField(
        required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, scorecard: Scorecard, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.ratings: list[Rating] = list(scorecard.ratings.select_related("competency"))
        for rating in self.ratings:
            initial = NOT_ASKED if rating.not_asked else rating.level and str(rating.level)
            self.fields[f"level-{rating.pk}"] = forms.ChoiceField(
                label=f"Rating for question {rating.position}",
                choices=LEVEL_CHOICES,
                required=False,
                widget=forms.RadioSelect,
                initial=initial,
            )
            self.fields[f"evidence-{rating.pk}"] = forms.CharField(
                label="Evidence",
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=rating.evidence,
            )
        self.fields["recommendation"].initial = scorecard.recommendation
        self.fields["summary"].initial = scorecard.summary

    def rows(self):
        """Each rating with its bound fields, for the template."""
        for rating in self.ratings:
            yield rating, self[f"level-{rating.pk}"], self[f"evidence-{rating.pk}"]

    def changes(self) -> dict[int, dict]:
        """What rules.scorecard_save takes, from the cleaned data."""
        ratings = {}
        for rating in self.ratings:
            chosen = self.cleaned_data[f"level-{rating.pk}"]
            ratings[rating.pk] = {
                "level": int(chosen) if chosen and chosen != NOT_ASKED else None,
                "not_asked": chosen == NOT_ASKED,
                "evidence": self.cleaned_data[f"evidence-{rating.pk}"],
            }
        return ratings
