"""The quick menu writes the same markup as Django's Select."""

import pytest
from django import forms
from django.test.html import parse_html

from questions.widgets import QuickSelect

CHOICES = [("", "Any role"), ("ops", "Ops manager"), ("a&b", "Research & <Design>")]


@pytest.mark.parametrize("value", [None, "", "ops", "a&b", "missing"])
@pytest.mark.parametrize("attrs", [{}, {"form": "site-search", "required": True}])
def test_it_renders_what_djangos_select_renders(value, attrs):
    ours = QuickSelect(attrs=attrs, choices=CHOICES).render("role", value, {"id": "id_role"})
    django = forms.Select(attrs=attrs, choices=CHOICES).render("role", value, {"id": "id_role"})
    assert parse_html(ours) == parse_html(django)
    assert ours.startswith('<select name="role"')
