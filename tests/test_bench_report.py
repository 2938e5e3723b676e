"""`make bench` judges goal 2 on what a cache miss costs and shows the cached figures beside."""

from bench import report


def size(search_rate: float, floor_p99_hammered: float) -> dict:
    return {
        "targets": {
            "floor": {"requests_per_second": 3000.0, "p99_ms_loaded": 4.0},
            "search: phrase": {"requests_per_second": search_rate, "p99_ms_loaded": 50.0},
            "search: rare word": {"requests_per_second": 900.0, "p99_ms_loaded": 9.0},
        },
        "floor_while_hammered": {"search": "search: phrase", "floor_p99_ms": floor_p99_hammered},
    }


def test_goal_two_passes_only_when_the_slowest_search_and_the_floor_both_hold():
    assert report._goal_no_starvation(size(250, 16))["status"] == "PASS"
    assert report._goal_no_starvation(size(150, 16))["status"] == "FAIL"  # 1/20 of the floor
    assert report._goal_no_starvation(size(250, 40))["status"] == "FAIL"  # floor p99 ten times


def test_the_cached_figures_are_shown_but_do_not_decide_goal_two():
    missed = {**size(80, 140), "cached": size(300, 20)}
    check = report._goal_no_starvation(missed)
    assert check["status"] == "FAIL"
    assert (
        "as served, cache on (not judged): slowest search: phrase 1/10.0; floor p99 5.0×"
        in (check["details"][-1])
    )
