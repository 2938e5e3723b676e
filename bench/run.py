"""`make bench`: build benchmark banks, serve the app the production way, measure, report.

    python -m bench.run [--sizes 10k,100k,1m] [--quick]
    python -m bench.run --compare bench/results/A.json bench/results/B.json

For each size, a database of its own on the development server (`interviewbank_bench_10k`,
…; never the development database) is migrated and filled with `manage.py bench_data`,
unless it already holds a bank of that size from the same generator (a note on the
database says so). Then gunicorn serves it exactly as `make serve` does (sync workers, 2 per
core plus one unless WEB_CONCURRENCY says otherwise; DEBUG off, persistent connections)
except that workers are not recycled every 1,000 requests, which would measure Django
starting up and hide memory growth. Each page is
measured one request at a time (median, p95), the pages taking turns so noise hits them
alike; then under load at 8 connections (req/s, p99); then the floor while the slowest
search is hammered. All of it twice: with the bank cache off (what
a cache miss costs: the work goals 1, 3 and 5 bound), then, shorter, with the cache on as
served (the load goal 2 is judged on: a hammered page repeats one request). With 100k and
1m both measured, goal 3's pages are then requested at one size and the other in turn,
both served at once (see _side_by_side). Queries per request come from bench/probe.py.
The report (bench/report.py) prints each figure with its ratio to the floor, checks the
issue's six goals, and writes the same as JSON under bench/results/.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import time
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

from bench import banks, load, report, serving

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}
CONNECTIONS = 8
# Cached counts, pages and search results would answer every repeated request: the work a
# search does is measured with the cache off, and a second, shorter pass
# measures the app as served.
CACHE_OFF = {"BANK_CACHE_SECONDS": "0", "SEARCH_CACHE_SECONDS": "0"}
# What the cached pass adds to the report.
MEMORY_AND_TARGETS = ("targets", "floor_while_hammered", "workers_peak_mib", "encoder_peak_mib")
# Sizes whose pages goal 3 compares, served at once and requested in alternation.
SIDE_BY_SIDE = ("100k", "1m")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10k,100k,1m", help="Comma-separated: 10k, 100k, 1m.")
    parser.add_argument(
        "--quick", action="store_true", help="Fewer rounds, shorter loads: a rough look."
    )
    parser.add_argument("--compare", nargs=2, metavar=("A", "B"), help="Compare two results.")
    args = parser.parse_args(argv)
    if args.compare:
        report.compare(*(json.loads(Path(name).read_text()) for name in args.compare))
        return
    labels = [label.strip().lower() for label in args.sizes.split(",") if label.strip()]
    unknown = [label for label in labels if label not in SIZES]
    if unknown:
        parser.error(f"unknown size {', '.join(unknown)}; choose among {', '.join(SIZES)}.")
    plan = Plan.quick() if args.quick else Plan()
    run = {
        "started": datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "load_average_before": os.getloadavg()},
        "workers": serving.WORKERS,
        "plan": plan.__dict__,
        "load_tool": "wrk" if load.shutil.which("wrk") else "python threads",
        "sizes": {},
    }
    secret = os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50)
    served_sizes = {}
    with banks.Server() as server:
        collected = False
        for label in labels:
            url = server.database(f"interviewbank_bench_{label}")
            env = serving.environment(url, secret)
            print(
                f"\n== {label}: {SIZES[label]:,} questions in {urlsplit(url).path[1:]}", flush=True
            )
            fill = banks.prepare(url, env, SIZES[label])
            if not collected:
                serving.manage(env, "collectstatic", "--noinput", "--verbosity", "0")
                collected = True
            probe = json.loads(serving.manage(env, "run_probe", capture=True))
            print("With the bank cache off:", flush=True)
            result = _measure(label, url, {**env, **CACHE_OFF}, probe, plan)
            print("With the bank cache on (a repeated request is answered from it):", flush=True)
            cached = _measure(label, url, env, probe, plan.shorter())
            result["cached"] = {key: cached[key] for key in MEMORY_AND_TARGETS}
            result["fill"] = fill
            result["kit_pdf"] = probe["kit_pdf"]
            run["sizes"][label] = result
            served_sizes[label] = ({**env, **CACHE_OFF}, probe)
            report.print_size(label, result)
        if all(label in served_sizes for label in SIDE_BY_SIDE):
            run["side_by_side"] = _side_by_side(served_sizes, plan)
            report.print_side_by_side(run["side_by_side"])
    run["machine"]["load_average_after"] = os.getloadavg()
    run["goals"] = report.goals(run)
    report.print_goals(run["goals"])
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"bench-{datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(run, indent=2))
    print(f"\nWritten to {path.relative_to(ROOT)}")


class Plan:
    """How long each part of the measurement runs."""

    def __init__(self, rounds: int = 100, alone_seconds: float = 120, load_seconds: float = 5):
        self.rounds = rounds
        self.alone_seconds = alone_seconds
        self.load_seconds = load_seconds

    @classmethod
    def quick(cls) -> Plan:
        return cls(rounds=30, alone_seconds=30, load_seconds=2)

    def shorter(self) -> Plan:
        return Plan(self.rounds // 2, self.alone_seconds / 2, self.load_seconds)


# Measuring ------------------------------------------------------------------------------


def _measure(label: str, url: str, env: dict[str, str], probe: dict, plan: Plan) -> dict:
    targets = [load.Target(t["name"], t["path"]) for t in probe["targets"]]
    with (
        psycopg.connect(url, autocommit=True) as watcher,
        serving.served(env, label) as (port, master),
    ):
        client = load.Client(port, probe["cookie"])
        sessions_before = _sessions(watcher)
        # Warm both workers: imports, templates, a database connection each.
        load.measure_alone(
            client, [load.Target(t.name, t.path) for t in targets], rounds=5, max_seconds=0
        )
        print(f"One request at a time, {len(targets)} pages taking turns…", flush=True)
        rounds = load.measure_alone(
            client, targets, rounds=plan.rounds, max_seconds=plan.alone_seconds
        )
        print(f"At {CONNECTIONS} connections, {plan.load_seconds:g} s each…", flush=True)
        loads = {}
        for target in targets:
            loads[target.name] = load.load(
                client, target.path, connections=CONNECTIONS, seconds=plan.load_seconds
            )
            # Requests still queued when the load stops would slow the next page's.
            _drain(client)
        searches = [t for t in targets if t.name.startswith("search")]
        slowest = max(searches, key=lambda t: load.percentile(t.samples, 0.95))
        print(f"The floor while “{slowest.name}” is hammered…", flush=True)
        hammer = load.start_load(
            client, slowest.path, connections=CONNECTIONS, seconds=plan.load_seconds
        )
        time.sleep(0.3)  # let the search load start first
        floor_during = load.load(
            client, targets[0].path, connections=CONNECTIONS, seconds=plan.load_seconds - 0.5
        )
        hammered = hammer.result()
        _drain(client)
        sessions_after = _sessions(watcher)
        peaks = [serving.peak_rss_mib(pid) for pid in serving.workers(master.pid)]
        encoder_peaks = [serving.peak_rss_mib(pid) for pid in serving.encoders(master.pid)]
    by_name = {t["name"]: t for t in probe["targets"]}
    return {
        "questions": probe["questions"],
        "active": probe["active"],
        "words": probe["words"],
        "rounds": rounds,
        "targets": {
            t.name: {
                "path": t.path,
                "median_ms": load.median(t.samples) * 1e3,
                "p95_ms": load.percentile(t.samples, 0.95) * 1e3,
                "requests_per_second": loads[t.name].requests_per_second,
                "p99_ms_loaded": loads[t.name].p99_ms,
                "load_errors": loads[t.name].errors,
                "queries": by_name[t.name]["queries"],
                "page_queries": by_name[t.name]["page_queries"],
                "warm_page_queries": by_name[t.name]["warm_page_queries"],
            }
            for t in targets
        },
        "query_sizes": probe["query_sizes"],
        "floor_while_hammered": {
            "search": slowest.name,
            "search_requests_per_second": hammered.requests_per_second,
            "floor_requests_per_second": floor_during.requests_per_second,
            "floor_p99_ms": floor_during.p99_ms,
            "errors": hammered.errors + floor_during.errors,
        },
        "workers_peak_mib": peaks,
        "encoder_peak_mib": max(encoder_peaks, default=None),
        "database_sessions_opened": sessions_after - sessions_before,
        "persistent_connections": env.get("CONN_MAX_AGE", "60") != "0",
    }


def _side_by_side(served_sizes: dict[str, tuple[dict, dict]], plan: Plan) -> dict:
    """Goal 3's pages at 100k and 1M, cache off, both sizes served at once and each page
    requested at one size, then at the other, round after round.

    Measured one size after the other, minutes apart, the two sizes' figures also differ by
    whatever the machine was doing meanwhile (10 to 15% on a shared machine, enough to
    decide the goal); alternating requests puts the same noise on both.
    """
    names = [report.ONE_ROW, *report.FLAT_PAGES]
    with ExitStack() as stack:
        clients = {}
        for label in SIDE_BY_SIDE:
            env, probe = served_sizes[label]
            port, _ = stack.enter_context(serving.served(env, f"{label}-side-by-side"))
            clients[label] = load.Client(port, probe["cookie"])
        paths = {
            label: {
                t["name"]: t["path"]
                for t in served_sizes[label][1]["targets"]
                if t["name"] in names or t["name"].startswith(report.SEARCH)
            }
            for label in SIDE_BY_SIDE
        }
        pages = [name for name in paths[SIDE_BY_SIDE[0]] if name in paths[SIDE_BY_SIDE[1]]]
        print(
            f"\n== {' and '.join(SIDE_BY_SIDE)} side by side, cache off: {len(pages)} pages, "
            "each at one size then the other…",
            flush=True,
        )
        for label, client in clients.items():  # warm every worker of both servers
            load.measure_alone(
                client, [load.Target(n, paths[label][n]) for n in pages], rounds=5, max_seconds=0
            )
        targets = [
            load.Target(f"{label} {name}", paths[label][name], client=clients[label])
            for name in pages
            for label in SIDE_BY_SIDE
        ]
        rounds = load.measure_alone(
            None, targets, rounds=plan.rounds, max_seconds=plan.alone_seconds
        )
    medians = {t.name: load.median(t.samples) * 1e3 for t in targets}
    return {
        "rounds": rounds,
        "pages": {
            name: {label: medians[f"{label} {name}"] for label in SIDE_BY_SIDE} for name in pages
        },
    }


def _drain(client: load.Client) -> None:
    """Wait until the workers have answered everything queued: the floor answers again."""
    client.get("/healthz", timeout=300)


def _sessions(conn: psycopg.Connection) -> int:
    """Connections ever opened to this database (PostgreSQL 14+), to see they are reused."""
    row = conn.execute(
        "SELECT sessions FROM pg_stat_database WHERE datname = current_database()"
    ).fetchone()
    conn.execute("SELECT pg_stat_clear_snapshot()")
    return int(row[0])


if __name__ == "__main__":
    main()
