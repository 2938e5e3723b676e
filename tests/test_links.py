"""Page addresses built around a slug or a kit item are the ones Django's reverse() gives."""

import uuid

import pytest
from django.urls import reverse, set_script_prefix

from questions.links import kit_item_url, page_number, slug_url, without_page

KIT_ITEM_ROUTES = [
    "questions:kit-item-edit",
    "questions:kit-move",
    "questions:kit-remove",
    "questions:kit-item-wording",
]


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


@pytest.mark.parametrize("viewname", KIT_ITEM_ROUTES)
@pytest.mark.parametrize("prefix", ["/", "/bank/"])
def test_kit_item_addresses_match_reverse(viewname, prefix):
    set_script_prefix(prefix)
    try:
        for code, item_id in [(uuid.uuid4(), 1), (uuid.uuid4(), 9_876_543_210), (uuid.uuid4(), 0)]:
            expected = reverse(viewname, args=[code, item_id])
            assert kit_item_url(viewname, code, item_id) == expected
            assert kit_item_url(viewname, str(code), str(item_id)) == expected
    finally:
        set_script_prefix("/")


@pytest.mark.parametrize(
    "code, item_id", [("../admin", 1), (uuid.uuid4(), -1), (uuid.uuid4(), "1/x")]
)
def test_a_kit_item_address_takes_only_a_kit_code_and_an_item_number(code, item_id):
    with pytest.raises(ValueError):
        kit_item_url("questions:kit-move", code, item_id)


@pytest.mark.parametrize(
    ("value", "number"),
    [
        (None, 1),
        ("", 1),
        ("3", 3),
        ("0", 1),
        ("-4", 1),
        ("two", 1),
        ("1e3", 1),
        ("99999999", 10_000),
    ],
)
def test_a_page_number_from_a_query_string_is_always_a_page(value, number):
    assert page_number(value) == number


def test_pagination_links_keep_every_parameter_but_the_page(rf):
    request = rf.get("/search/", {"q": "pricing", "role": "ops", "page": "3"})
    assert without_page(request) == "q=pricing&role=ops"
