"""Page addresses built around a slug are the ones Django's reverse() gives."""

import pytest
from django.urls import reverse, set_script_prefix

from questions.links import slug_url


@pytest.mark.parametrize("viewname", ["questions:detail", "questions:competency", "questions:role"])
@pytest.mark.parametrize("prefix", ["/", "/bank/"])
def test_it_matches_reverse(viewname, prefix):
    set_script_prefix(prefix)
    try:
        for slug in ["pricing", "how-would-you-price-a-new-product-2", "a_b-9"]:
            assert slug_url(viewname, slug) == reverse(viewname, args=[slug])
        assert slug_url(viewname, "x").startswith(prefix)
    finally:
        set_script_prefix("/")


def test_a_value_that_is_not_a_slug_stays_inside_the_path():
    assert slug_url("questions:detail", "../admin/?x=1") == "/questions/..%2Fadmin%2F%3Fx%3D1/"


def test_models_link_through_it(pricing_question):
    assert pricing_question.get_absolute_url() == reverse(
        "questions:detail", args=[pricing_question.slug]
    )
    assert pricing_question.competency.get_absolute_url() == "/competencies/strategy/"
