"""The benchmark's report: a table per size, the issue's six goals, and comparisons of runs.

Every figure is shown with its ratio to the floor (`/healthz`, which never touches the
database) measured in the same run, since on a shared machine absolute figures move by
20 to 30% between runs while ratios hold.
"""

from __future__ import annotations

import math

SEARCH = "search: "
ONE_ROW = "one row"
FLOOR = "floor"
# Besides the searches, the pages goal 3 wants as fast at 1M as at 100k.
FLAT_PAGES = ("browse", "API list", "API search")


def print_size(label: str, result: dict) -> None:
    """The table of one size."""
    targets = result["targets"]
    floor = targets[FLOOR]
    words = ", ".join(
        f"{kind} “{w['word']}” in {w['questions']:,} ({_share(w['questions'], result['active'])})"
        for kind, w in result["words"].items()
    )
    print(f"\n{result['questions']:,} questions ({result['active']:,} active); words: {words}")
    print(
        f"× is a multiple of the floor's figure; share is the req/s as a fraction of the "
        f"floor's. One request at a time: {result['rounds']} rounds; load: 8 connections."
    )
    _table(targets)
    hammered = result["floor_while_hammered"]
    print(
        f"Floor while “{hammered['search']}” takes {hammered['search_requests_per_second']:.0f} "
        f"req/s at 8 connections: {hammered['floor_requests_per_second']:.0f} req/s, p99 "
        f"{hammered['floor_p99_ms']:.1f} ms "
        f"({_x(hammered['floor_p99_ms'], floor['p99_ms_loaded'])} its p99 alone at 8)."
    )
    print(
        "Queries (page's own without session and sign-in) by size: "
        + "; ".join(
            f"{name}: {' vs '.join(str(c['page_queries']) for c in counts)}"
            for name, counts in result["query_sizes"].items()
        )
    )
    encoder = result.get("encoder_peak_mib")
    print(
        f"Workers' peak memory: {', '.join(f'{m:.0f}' for m in result['workers_peak_mib'])} MiB"
        + (f"; the sentence encoder's {encoder:.0f} MiB" if encoder else "")
        + f". Database connections opened while serving: {result['database_sessions_opened']}."
    )
    cached = result.get("cached")
    if cached:
        print("\nWith the bank cache on, as served (a repeated request is answered from it):")
        _table(cached["targets"])
        hammered = cached["floor_while_hammered"]
        print(
            f"Floor while “{hammered['search']}” is hammered: "
            f"p99 {hammered['floor_p99_ms']:.1f} ms "
            f"({_x(hammered['floor_p99_ms'], cached['targets'][FLOOR]['p99_ms_loaded'])} its "
            f"p99 alone at 8)."
        )


def _table(targets: dict) -> None:
    """One row per page: times alone and under load, each against the floor's."""
    floor = targets[FLOOR]
    header = (
        f"{'page':<22}{'median ms':>10}{'×':>7}{'p95 ms':>9}{'×':>7}"
        f"{'req/s@8':>9}{'share':>8}{'p99 ms@8':>10}{'×':>7}{'queries (own; warm)':>21}"
    )
    print(header)
    print("-" * len(header))
    for name, t in targets.items():
        print(
            f"{name:<22}{t['median_ms']:>10.2f}{_x(t['median_ms'], floor['median_ms']):>7}"
            f"{t['p95_ms']:>9.2f}{_x(t['p95_ms'], floor['p95_ms']):>7}"
            f"{t['requests_per_second']:>9.0f}"
            f"{_share_of(t['requests_per_second'], floor['requests_per_second']):>8}"
            f"{t['p99_ms_loaded']:>10.1f}{_x(t['p99_ms_loaded'], floor['p99_ms_loaded']):>7}"
            f"{t['queries']:>10} ({t['page_queries']}; {t.get('warm_page_queries', '-')})"
            + (f"  {t['load_errors']} errors under load" if t["load_errors"] else "")
        )


def goals(run: dict) -> list[dict]:
    """The issue's six goals, each PASS, FAIL or NOT MEASURED with the numbers behind it."""
    sizes = run["sizes"]
    checks = [
        _goal_search_bounded(sizes.get("1m")),
        _goal_no_starvation(sizes.get("100k")),
        _goal_flat_at_1m(sizes.get("100k"), sizes.get("1m"), run.get("side_by_side")),
        _goal_queries(sizes),
        _goal_typo(sizes),
        _goal_memory(sizes),
        _goal_kit_pdf(sizes),
    ]
    return [{"goal": number, **check} for number, check in enumerate(checks, start=1)]


def print_goals(checks: list[dict]) -> None:
    print("\nGoals")
    for check in checks:
        print(f"{check['goal']}. {check['status']:<12} {check['title']}")
        for line in check["details"]:
            print(f"     {line}")


def compare(a: dict, b: dict) -> None:
    """Each figure of run B against run A (B / A), for the sizes and pages both measured."""
    print(f"A: {a['started']}   B: {b['started']}   (B / A; for req/s above 1 is better)")
    for label in [label for label in a["sizes"] if label in b["sizes"]]:
        print(f"\n== {label}")
        print(f"{'page':<22}{'median':>8}{'p95':>8}{'req/s':>8}{'p99@8':>8}{'× floor p95 A→B':>20}")
        ta, tb = a["sizes"][label]["targets"], b["sizes"][label]["targets"]
        for name in [name for name in ta if name in tb]:
            x, y = ta[name], tb[name]
            print(
                f"{name:<22}{_r(y['median_ms'], x['median_ms']):>8}"
                f"{_r(y['p95_ms'], x['p95_ms']):>8}"
                f"{_r(y['requests_per_second'], x['requests_per_second']):>8}"
                f"{_r(y['p99_ms_loaded'], x['p99_ms_loaded']):>8}"
                f"{_ratio(x['p95_ms'], ta[FLOOR]['p95_ms']):>9.1f} → "
                f"{_ratio(y['p95_ms'], tb[FLOOR]['p95_ms']):<9.1f}"
            )
    for check_a, check_b in zip(a.get("goals", []), b.get("goals", []), strict=False):
        print(f"Goal {check_a['goal']}: {check_a['status']} → {check_b['status']}")


# The goals ------------------------------------------------------------------------------


def _goal_search_bounded(big: dict | None) -> dict:
    title = "Search at 1M: every query's p95 alone ≤ 40× the one-row page's"
    if not big:
        return _not_measured(title, "needs the 1m size")
    targets = big["targets"]
    base = targets[ONE_ROW]["p95_ms"]
    worst = max(_searches(targets), key=lambda item: item[1]["p95_ms"])
    details = [
        f"{name}: {t['p95_ms']:.1f} ms = {_ratio(t['p95_ms'], base):.1f}× one row ({base:.2f} ms)"
        for name, t in _searches(targets)
    ]
    return _verdict(title, _ratio(worst[1]["p95_ms"], base) <= 40, details)


def _goal_no_starvation(mid: dict | None) -> dict:
    """Judged as served: the load repeats one request per page, as a popular search is
    repeated, and production answers a repeat from the cache. The figures with every
    request a cache miss are shown beside: what a burst of different searches costs."""
    title = (
        "Load at 100k, as served: every search ≥ 1/15 of the floor's req/s; the floor's "
        "p99 ≤ 5× while the slowest search is hammered"
    )
    if not mid:
        return _not_measured(title, "needs the 100k size")
    served = mid.get("cached")
    if not served:
        return _not_measured(title, "needs the pass with the cache on")
    rate_share, p99_ratio, details = _load_figures(served)
    missed_share, missed_p99, _ = _load_figures(mid)
    details.append(
        f"every request a cache miss (not judged): slowest search 1/{1 / missed_share:.1f}; "
        f"floor p99 {missed_p99:.1f}× while {mid['floor_while_hammered']['search']} is hammered"
    )
    return _verdict(title, rate_share >= 1 / 15 and p99_ratio <= 5, details)


def _load_figures(result: dict) -> tuple[float, float, list[str]]:
    """(slowest search's share of the floor's req/s, floor p99 hammered / alone, details)."""
    targets = result["targets"]
    floor = targets[FLOOR]
    least = min(_searches(targets), key=lambda item: item[1]["requests_per_second"])
    hammered = result["floor_while_hammered"]
    rate_share = _ratio(least[1]["requests_per_second"], floor["requests_per_second"])
    p99_ratio = _ratio(hammered["floor_p99_ms"], floor["p99_ms_loaded"])
    details = [
        f"slowest under load: {least[0]} {least[1]['requests_per_second']:.0f} req/s = "
        f"1/{1 / rate_share:.1f} of the floor's {floor['requests_per_second']:.0f}",
        f"floor p99 at 8 connections: {floor['p99_ms_loaded']:.1f} ms alone, "
        f"{hammered['floor_p99_ms']:.1f} ms while {hammered['search']} is hammered "
        f"({p99_ratio:.1f}×)",
    ]
    return rate_share, p99_ratio, details


def print_side_by_side(side: dict) -> None:
    """Goal 3's pages measured with the two sizes' requests alternating."""
    labels = list(next(iter(side["pages"].values())))
    print(f"{'page':<22}" + "".join(f"{label + ' ms':>10}" for label in labels) + f"{'ratio':>8}")
    for name, medians in side["pages"].items():
        values = list(medians.values())
        print(
            f"{name:<22}"
            + "".join(f"{value:>10.2f}" for value in values)
            + f"{_ratio(values[-1], values[0]):>7.2f}×"
        )
    print(f"Medians of {side['rounds']} rounds, cache off.")


def _goal_flat_at_1m(mid: dict | None, big: dict | None, side: dict | None = None) -> dict:
    title = "Browse, API list and search at 1M within 1.5× of 100k (median alone)"
    if side:
        return _goal_flat_side_by_side(title, side)
    title += ", each size against its own one-row page"
    if not (mid and big):
        return _not_measured(title, "needs the 100k and 1m sizes")
    names = [name for name in big["targets"] if name in FLAT_PAGES]
    names += [name for name, _ in _searches(big["targets"])]
    # Sizes are measured minutes apart, while the machine's load changes: each page is
    # taken relative to the one-row page of its own size, whose work does not grow.
    base_mid = mid["targets"][ONE_ROW]["median_ms"]
    base_big = big["targets"][ONE_ROW]["median_ms"]
    ratios = {
        name: _ratio(
            big["targets"][name]["median_ms"] / base_big,
            mid["targets"][name]["median_ms"] / base_mid,
        )
        for name in names
        if name in mid["targets"]
    }
    details = [f"one row: {base_mid:.1f} → {base_big:.1f} ms"] + [
        f"{name}: {mid['targets'][name]['median_ms']:.1f} → {big['targets'][name]['median_ms']:.1f}"
        f" ms; against one row {ratio:.2f}×"
        for name, ratio in ratios.items()
    ]
    return _verdict(title, all(ratio <= 1.5 for ratio in ratios.values()), details)


def _goal_flat_side_by_side(title: str, side: dict) -> dict:
    """Judged on the pages measured side by side: 1M's median over 100k's, as they are."""
    pages = side["pages"]
    names = [name for name in pages if name in FLAT_PAGES or name.startswith(SEARCH)]
    ratios = {name: _ratio(pages[name]["1m"], pages[name]["100k"]) for name in names}
    details = [
        f"measured side by side: both sizes served at once, each page requested at 100k then "
        f"at 1M, {side['rounds']} rounds"
    ]
    if ONE_ROW in pages:
        one_row = pages[ONE_ROW]
        details.append(
            f"one row (not judged): {one_row['100k']:.1f} → {one_row['1m']:.1f} ms, "
            f"{_ratio(one_row['1m'], one_row['100k']):.2f}×"
        )
    details += [
        f"{name}: {pages[name]['100k']:.1f} → {pages[name]['1m']:.1f} ms, {ratio:.2f}×"
        for name, ratio in ratios.items()
    ]
    return _verdict(title, all(ratio <= 1.5 for ratio in ratios.values()), details)


def _goal_queries(sizes: dict) -> dict:
    title = (
        "Queries per request constant in page and kit size; ≤ 3 of the page's own on list "
        "pages, as served (cache warm)"
    )
    if not sizes:
        return _not_measured(title, "nothing measured")
    details, ok = [], True
    for label, result in sizes.items():
        for name, counts in result["query_sizes"].items():
            own = [count["page_queries"] for count in counts]
            ok &= len(set(own)) == 1
            details.append(f"{label} {name}: {' vs '.join(map(str, own))}")
        for name in ("browse", "API list"):
            t = result["targets"][name]
            warm = t.get("warm_page_queries", t["page_queries"])
            ok &= warm <= 3
            details.append(
                f"{label} {name}: {warm} of its own as served, {t['page_queries']} when nothing "
                f"is cached; {t['queries']} with session and sign-in"
            )
    return _verdict(title, ok, details)


def _goal_typo(sizes: dict) -> dict:
    title = "A typo adds ≤ 10% to a search, flat from 10k to 1M (median alone, typo vs the word)"
    if not sizes:
        return _not_measured(title, "nothing measured")
    details, ok = [], True
    for label, result in sizes.items():
        typo = result["targets"][SEARCH + "typo"]["median_ms"]
        word = result["targets"][SEARCH + "mid word"]["median_ms"]
        ok &= typo <= word * 1.10
        details.append(
            f"{label}: {typo:.2f} ms vs {word:.2f} ms for the word itself "
            f"({(typo / word - 1) * 100:+.0f}%, {typo - word:+.2f} ms)"
        )
    return _verdict(title, ok, details)


def _goal_memory(sizes: dict) -> dict:
    title = "Worker (and encoder) peak memory ≤ 120 MiB; persistent connections on"
    if not sizes:
        return _not_measured(title, "nothing measured")
    details, ok = [], True
    for label, result in sizes.items():
        peak = max(result["workers_peak_mib"])
        encoder = result.get("encoder_peak_mib") or 0
        ok &= peak <= 120 and encoder <= 120 and result["persistent_connections"]
        details.append(
            f"{label}: workers' peak {peak:.0f} MiB"
            + (f", the sentence encoder's {encoder:.0f} MiB" if encoder else "")
            + f"; {result['database_sessions_opened']} database "
            "connections opened while serving every request of the run"
        )
    return _verdict(title, ok, details)


# Internals ------------------------------------------------------------------------------


# A PDF request may hold a server process this long at most (GUNICORN_TIMEOUT is 30 s).
KIT_PDF_BUDGET_MS = 5000


def _goal_kit_pdf(sizes: dict) -> dict:
    title = (
        f"A kit at the maximum size: its PDF within {KIT_PDF_BUDGET_MS / 1000:g} s, cached after"
    )
    measured = {label: result["kit_pdf"] for label, result in sizes.items() if "kit_pdf" in result}
    if not measured:
        return _not_measured(title, "no size measured")
    details, passed = [], True
    for label, pdf in measured.items():
        slowest = max(pdf["ms"].values())
        cached = max(ms for name, ms in pdf["ms"].items() if name.endswith("cached"))
        passed = passed and slowest <= KIT_PDF_BUDGET_MS and cached < slowest
        figures = ", ".join(f"{name} {ms:.0f} ms" for name, ms in pdf["ms"].items())
        details.append(f"{label}, {pdf['questions']} questions: {figures}")
    return _verdict(title, passed, details)


def _searches(targets: dict) -> list[tuple[str, dict]]:
    return [(name, t) for name, t in targets.items() if name.startswith(SEARCH)]


def _verdict(title: str, passed: bool, details: list[str]) -> dict:
    return {"title": title, "status": "PASS" if passed else "FAIL", "details": details}


def _not_measured(title: str, why: str) -> dict:
    return {"title": title, "status": "NOT MEASURED", "details": [why]}


def _ratio(value: float, base: float) -> float:
    return value / base if base else math.inf


def _x(value: float, base: float) -> str:
    """A time as a multiple of the floor's."""
    return f"{_ratio(value, base):.1f}"


def _share_of(rate: float, floor: float) -> str:
    """A rate as a fraction of the floor's: "1/15" is fifteen times fewer requests."""
    if not rate or math.isnan(rate):
        return "-"
    return f"1/{floor / rate:.0f}" if floor / rate >= 9.5 else f"1/{floor / rate:.1f}"


def _r(new: float, old: float) -> str:
    return f"{_ratio(new, old):.2f}"


def _share(count: int, total: int) -> str:
    return f"{count / total:.2%}" if total else "-"
