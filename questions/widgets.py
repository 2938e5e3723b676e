"""Form widgets for the pages people use most."""

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

SELECTED = mark_safe(" selected")


class QuickSelect(forms.Select):
    """A single-choice menu written out in Python rather than through a template per option.

    The search and browse pages show four menus on every request, and Django's template
    per option made them cost more than the query. Same markup; flat choices only.
    """

    def render(self, name, value, attrs=None, renderer=None) -> str:
        chosen = set(self.format_value(value))
        options = format_html_join(
            "\n",
            '<option value="{}"{}>{}</option>',
            (
                (choice, SELECTED if str(choice) in chosen else "", label)
                for choice, label in self.choices
            ),
        )
        attributes = {"name": name, **self.build_attrs(self.attrs, attrs)}
        return format_html("<select{}>\n{}\n</select>", _attributes(attributes), options)


def _attributes(attrs: dict) -> str:
    """Attributes in their given order, as django/forms/widgets/attrs.html writes them."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False and value is not None
        ),
    )
