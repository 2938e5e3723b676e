"""Forms that parse what people send to the pages."""

from django import forms

from questions.caching import competency_choices, role_choices
from questions.models import Level, QuestionType
from questions.widgets import QuickSelect


class SearchForm(forms.Form):
    """The search page's query and filters. The query box itself sits in the site header
    (form `site-search`); the filters join that form through their `form` attribute, so
    one GET carries everything with or without JavaScript."""

    q = forms.CharField(label="Search questions", required=False)
    competency = forms.ChoiceField(label="Competency", required=False, widget=QuickSelect)
    role = forms.ChoiceField(label="Role", required=False, widget=QuickSelect)
    type = forms.ChoiceField(
        label="Type",
        required=False,
        choices=[("", "Any type"), *QuestionType.choices],
        widget=QuickSelect,
    )
    level = forms.ChoiceField(
        label="Level",
        required=False,
        choices=[("", "Any level"), *Level.choices],
        widget=QuickSelect,
    )

    FILTERS = ("competency", "role", "type", "level")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Cached until the bank changes: these menus are on every search page.
        self.fields["competency"].choices = [("", "Any competency"), *competency_choices()]
        self.fields["role"].choices = [("", "Any role"), *role_choices()]
        for name in self.FILTERS:
            self.fields[name].widget.attrs["form"] = "site-search"

    def filter_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.FILTERS]
