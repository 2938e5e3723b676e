"""The benchmark's probe: every page the issue names is requested, and answers."""

import pytest

from bench import probe
from questions.benchmarks.fill import bench_data_fill

pytestmark = pytest.mark.django_db


@pytest.fixture
def measured(db, settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    bench_data_fill(questions=200, kits=5)
    return probe.probe()


def test_it_measures_the_pages_the_issue_names_api_search_included(measured):
    names = [target["name"] for target in measured["targets"]]
    assert names[:2] == ["floor", "one row"]
    assert {"browse", "question", "kit sheet (60)", "API list", "API search"} <= set(names)
    assert [name for name in names if name.startswith("search: ")] == [
        f"search: {kind}" for kind in probe.SEARCH_MIX
    ]
    api_search = next(t for t in measured["targets"] if t["name"] == "API search")
    assert api_search["path"].startswith("/api/v1/questions/?search=")


def test_it_counts_queries_and_hands_over_a_signed_in_session(measured):
    for target in measured["targets"]:
        # The probe stops on any answer but 200, so every page it returns was served.
        assert target["queries"] >= target["page_queries"] >= target["warm_page_queries"]
    assert measured["cookie"].startswith("sessionid=")
    assert measured["questions"] == 200


def test_it_times_the_pdf_of_a_kit_at_the_maximum_size_and_leaves_nothing(measured):
    from questions.kits.rules import KIT_QUESTIONS_MAX
    from questions.models import Kit

    pdf = measured["kit_pdf"]
    assert pdf["questions"] == KIT_QUESTIONS_MAX
    assert set(pdf["ms"]) == {
        "owner, first",
        "owner, cached",
        "share link, first",
        "share link, cached",
    }
    assert pdf["ms"]["owner, cached"] < pdf["ms"]["owner, first"]
    assert not Kit.objects.filter(title="Benchmark: the largest kit").exists()
