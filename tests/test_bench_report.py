"""`make bench` judges goal 2 as served, goal 3 on the sizes measured side by side, and shows
what every request missing the cache costs."""

from bench import load, report


def size(search_rate: float, floor_p99_hammered: float) -> dict:
    return {
        "targets": {
            "floor": {"requests_per_second": 3000.0, "p99_ms_loaded": 4.0},
            "search: phrase": {"requests_per_second": search_rate, "p99_ms_loaded": 50.0},
            "search: rare word": {"requests_per_second": 900.0, "p99_ms_loaded": 9.0},
        },
        "floor_while_hammered": {"search": "search: phrase", "floor_p99_ms": floor_p99_hammered},
    }


def served(search_rate: float, floor_p99_hammered: float) -> dict:
    """A size whose cache-miss pass is far off the goal and whose served pass is as given."""
    return {**size(80, 140), "cached": size(search_rate, floor_p99_hammered)}


def test_goal_two_passes_only_when_the_slowest_search_and_the_floor_both_hold_as_served():
    assert report._goal_no_starvation(served(250, 16))["status"] == "PASS"
    assert report._goal_no_starvation(served(150, 16))["status"] == "FAIL"  # 1/20 of the floor
    assert report._goal_no_starvation(served(250, 40))["status"] == "FAIL"  # floor p99 ten times


def test_the_cache_miss_figures_are_shown_but_do_not_decide_goal_two():
    check = report._goal_no_starvation(served(300, 20))
    assert check["status"] == "PASS"
    assert (
        check["details"][0]
        == "slowest under load: search: phrase 300 req/s = 1/10.0 of the floor's 3000"
    )
    assert check["details"][-1] == (
        "every request a cache miss (not judged): slowest search 1/37.5; "
        "floor p99 35.0× while search: phrase is hammered"
    )


def test_goal_two_is_not_measured_without_the_pass_with_the_cache_on():
    # A passing cache-miss pass alone does not stand in for the served figures.
    check = report._goal_no_starvation(size(900, 4))
    assert check["status"] == "NOT MEASURED"


def side_by_side(sentence_at_1m: float, one_row_at_1m: float = 10.0) -> dict:
    return {
        "rounds": 100,
        "pages": {
            "one row": {"100k": 10.0, "1m": one_row_at_1m},
            "browse": {"100k": 20.0, "1m": 21.0},
            "search: sentence": {"100k": 30.0, "1m": sentence_at_1m},
        },
    }


def test_goal_three_compares_the_sizes_measured_side_by_side_as_they_are():
    assert report._goal_flat_at_1m(None, None, side_by_side(44.9))["status"] == "PASS"
    check = report._goal_flat_at_1m(None, None, side_by_side(45.3))
    assert check["status"] == "FAIL"
    assert check["details"][-1] == "search: sentence: 30.0 → 45.3 ms, 1.51×"
    # The one-row page is shown, not judged, and no longer divides the others.
    check = report._goal_flat_at_1m(None, None, side_by_side(44.9, one_row_at_1m=20.0))
    assert check["status"] == "PASS"
    assert "one row (not judged): 10.0 → 20.0 ms, 2.00×" in check["details"]


def test_goal_three_falls_back_to_each_size_against_its_own_one_row_page():
    def alone(one_row: float, sentence: float) -> dict:
        return {
            "targets": {
                "one row": {"median_ms": one_row},
                "search: sentence": {"median_ms": sentence},
            }
        }

    # 1.6 times slower at 1M, but so is the one-row page measured minutes later.
    check = report._goal_flat_at_1m(alone(10, 30), alone(16, 48))
    assert check["status"] == "PASS"
    assert report._goal_flat_at_1m(alone(10, 30), alone(10, 48))["status"] == "FAIL"


def test_measuring_alone_asks_each_target_its_own_server_in_turn():
    asked = []

    class Server:
        def __init__(self, name):
            self.name = name

        def get(self, path, timeout=30):
            asked.append((self.name, path))
            return 200, 0.01

    targets = [
        load.Target("100k sentence", "/search/?q=a", client=Server("100k")),
        load.Target("1m sentence", "/search/?q=b", client=Server("1m")),
    ]
    assert load.measure_alone(None, targets, rounds=2, max_seconds=0) == 2
    assert asked == [("100k", "/search/?q=a"), ("1m", "/search/?q=b")] * 2
    assert [len(target.samples) for target in targets] == [2, 2]


def test_the_kit_pdf_goal_holds_the_largest_kit_to_its_budget_and_wants_the_cache():
    from bench.report import KIT_PDF_BUDGET_MS, _goal_kit_pdf

    def sizes(first: float, cached: float) -> dict:
        ms = {"owner, first": first, "owner, cached": cached}
        return {"10k": {"kit_pdf": {"questions": 100, "ms": ms}}}

    assert _goal_kit_pdf(sizes(1800, 4))["status"] == "PASS"
    assert _goal_kit_pdf(sizes(KIT_PDF_BUDGET_MS + 1, 4))["status"] == "FAIL"
    assert _goal_kit_pdf(sizes(1800, 1800))["status"] == "FAIL"
    assert _goal_kit_pdf({})["status"] == "NOT MEASURED"
