"""The benchmark's Django side: who signs in, what to request, how many queries each costs.

Run by bench/run.py as `python -m bench.probe` with the benchmark database's settings in the
environment; prints one JSON object. Queries are counted in-process with Django's test client
(the same middleware and views the server runs), so the served app needs no bench-only code.
"""

import json
import os
import re
import sys
from urllib.parse import quote

import django

SEARCH_MIX = {
    "rare word": "{rare}",
    "mid word": "{mid}",
    "common word": "{common}",
    "phrase": '"customer service"',
    "sentence": "how do you handle warehouse delays before a holiday sale",
    "typo": "forcasting",  # "forecasting", the mid word, misspelt
}
BROWSE_COMPETENCY = "data-analysis"
# Queries that find who is asking, on every signed-in request: reported apart from the
# page's own queries.
AUTH_QUERY = re.compile(r'FROM "(django_session|auth_user|auth_permission|authtoken_token)"')


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "interviewbank.settings")
    django.setup()
    print(json.dumps(probe()))


def probe() -> dict:
    """Targets with their paths and query counts, the session cookie, and the words' shares."""
    from django.conf import settings
    from django.db.models import Count

    from questions.benchmarks.copying import BENCH_PREFIX
    from questions.benchmarks.wording import bench_words
    from questions.models import Kit, Question, SearchTerm

    words = bench_words()
    active = Question.objects.active().count()
    middle = Question.objects.active().filter(id__gte=Question.objects.count() // 2).first()
    kits = Kit.objects.filter(owner__username__startswith=BENCH_PREFIX).annotate(
        items_count=Count("items")
    )
    big_kit = kits.filter(items_count=60).order_by("id").first()
    if middle is None or big_kit is None:
        sys.exit("The benchmark database has no questions or no 60-item kit: run bench_data.")
    small_kit = kits.filter(owner=big_kit.owner).order_by("items_count", "id").first()
    user = big_kit.owner

    targets = [
        ("floor", "/healthz"),
        ("one row", f"/api/v1/questions/{middle.id}/"),
        ("home", "/"),
        ("browse", f"/competencies/{BROWSE_COMPETENCY}/"),
        ("question", middle.get_absolute_url()),
        *(
            (f"search: {kind}", "/search/?q=" + quote(query.format(**words)))
            for kind, query in SEARCH_MIX.items()
        ),
        ("kit sheet (60)", f"/kits/{big_kit.code}/view/"),
        ("kit builder (60)", big_kit.get_absolute_url()),
        ("API list", "/api/v1/questions/"),
        ("API search", "/api/v1/questions/?search=" + quote(words["mid"])),
    ]

    client = _client(user)
    # Each page twice: first with nothing cached, then as a repeated request finds it.
    counted = [
        {
            "name": name,
            "path": path,
            **_queries(client, path),
            "warm_page_queries": _queries(client, path)["page_queries"],
        }
        for name, path in targets
    ]
    sizes = {
        "API list, 20 vs 100 a page": [
            _queries(client, "/api/v1/questions/?page_size=20"),
            _queries(client, "/api/v1/questions/?page_size=100"),
        ],
        f"kit sheet, {small_kit.items_count} vs 60 items": [
            _queries(client, f"/kits/{small_kit.code}/view/"),
            _queries(client, f"/kits/{big_kit.code}/view/"),
        ],
    }
    shares = {
        kind: SearchTerm.objects.filter(word=word).values_list("document_count", flat=True).first()
        or 0
        for kind, word in words.items()
    }
    cookie = settings.SESSION_COOKIE_NAME
    kit_pdf = _kit_pdf_times(user)
    return {
        "kit_pdf": kit_pdf,
        "cookie": f"{cookie}={client.cookies[cookie].value}",
        "user": user.username,
        "questions": Question.objects.count(),
        "active": active,
        "words": {kind: {"word": words[kind], "questions": shares[kind]} for kind in words},
        "targets": counted,
        "query_sizes": sizes,
    }


def _kit_pdf_times(user) -> dict:
    """Seconds to get the PDF of a kit at the maximum size, owner and share link, first and
    again (cached), in a transaction rolled back afterwards: the bank is left as it was."""
    import time

    from django.db import transaction
    from django.test import Client

    from questions.kits import rules
    from questions.models import KitItem, Question

    times = {}
    with transaction.atomic():
        kit = rules.kit_create(owner=user, title="Benchmark: the largest kit")
        questions = list(Question.objects.active().order_by("id")[: rules.KIT_QUESTIONS_MAX])
        KitItem.objects.bulk_create(
            KitItem(
                kit=kit,
                question=question,
                position=position,
                minutes=question.minutes,
                pinned_text=question.text,
                pinned_guidance=question.guidance,
            )
            for position, question in enumerate(questions, start=1)
        )
        kit = rules.kit_share(kit=kit)
        paths = {
            "owner": (_client(user), f"/kits/{kit.code}/kit.pdf"),
            "share link": (
                Client(SERVER_NAME="127.0.0.1"),
                f"/kits/shared/{kit.share_token}/kit.pdf",
            ),
        }
        for who, (client, path) in paths.items():
            for attempt in ("first", "cached"):
                started = time.perf_counter()
                response = client.get(path)
                if response.status_code != 200:
                    sys.exit(f"GET {path} answered {response.status_code}, not 200.")
                times[f"{who}, {attempt}"] = round((time.perf_counter() - started) * 1e3, 1)
        transaction.set_rollback(True)
    return {"questions": len(questions), "ms": times}


def _client(user):
    from django.test import Client

    # The address the server is asked by, so ALLOWED_HOSTS applies as it does there.
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(user)
    return client


def _queries(client, path: str) -> dict:
    """Queries one request runs, all and the page's own (without session and sign-in)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    if response.status_code != 200:
        sys.exit(f"GET {path} answered {response.status_code}, not 200.")
    own = [q for q in captured.captured_queries if not AUTH_QUERY.search(q["sql"])]
    return {"queries": len(captured.captured_queries), "page_queries": len(own)}


if __name__ == "__main__":
    main()
