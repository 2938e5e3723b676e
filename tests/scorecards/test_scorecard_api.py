"""Loops, candidates, scorecards and debriefs in the REST API: who may do what, and the rules.

The loop (from conftest) has two interviews: the owner's first kit asked by Ana, the second
kit by Ben; the candidate is ATS-1042.
"""

import json
import threading

import pytest
from django.db import connection
from django.test import Client

from questions.kits import rules as kit_rules
from questions.scorecards import rules
from questions.scorecards.models import Candidate, Loop, Rating, Scorecard
from tests.helpers import assert_error, token_client
from tests.scorecards.scorecard_helpers import fill, interview

pytestmark = pytest.mark.django_db


def send(client: Client, method: str, path: str, data: object = None):
    if method == "get":
        return client.get(path)
    body = "" if data is None else json.dumps(data)
    return getattr(client, method)(path, body, content_type="application/json")


def loop_path(loop: Loop, rest: str = "") -> str:
    return f"/api/v1/loops/{loop.code}/{rest}"


def candidate_path(candidate: Candidate, rest: str = "") -> str:
    return f"/api/v1/candidates/{candidate.code}/{rest}"


def opened(loop, candidate, person, position) -> Scorecard:
    return rules.scorecard_open(
        candidate=candidate, interview=interview(loop, position), interviewer=person
    )


def operations(loop: Loop, candidate: Candidate, scorecard: Scorecard) -> list[tuple[str, str]]:
    """Every scorecard operation of the API that names an object, on real objects."""
    first = interview(loop, 1)
    return [
        ("get", loop_path(loop)),
        ("patch", loop_path(loop)),
        ("post", loop_path(loop, "interviews/")),
        ("patch", loop_path(loop, f"interviews/{first.pk}/")),
        ("delete", loop_path(loop, f"interviews/{first.pk}/")),
        ("get", candidate_path(candidate)),
        ("delete", candidate_path(candidate)),
        ("get", candidate_path(candidate, "debrief/")),
        ("get", f"/api/v1/scorecards/{scorecard.pk}/"),
        ("patch", f"/api/v1/scorecards/{scorecard.pk}/"),
        ("post", f"/api/v1/scorecards/{scorecard.pk}/submit/"),
    ]


LISTS = ["/api/v1/loops/", "/api/v1/candidates/", "/api/v1/scorecards/"]


class TestAccess:
    def test_an_outsider_never_learns_a_loop_candidate_or_scorecard_exists(
        self, loop, candidate, ana, colleague, outsider
    ):
        scorecard = fill(opened(loop, candidate, ana, 1), [4, 3])
        for person in (colleague, outsider):
            api = token_client(person)
            for method, path in operations(loop, candidate, scorecard):
                assert_error(send(api, method, path, {}), 404, "not_found")
            for path in LISTS:
                assert api.get(path).json()["results"] == [], (person, path)
            answer = send(api, "post", "/api/v1/candidates/", {"loop": str(loop.code)})
            assert "no loop" in json.dumps(answer.json()["errors"]["loop"])
        assert Candidate.objects.count() == 1 and Scorecard.objects.count() == 1

    def test_anonymous_requests_are_401(self, client, loop, candidate, ana):
        scorecard = opened(loop, candidate, ana, 1)
        for method, path in operations(loop, candidate, scorecard):
            assert_error(send(client, method, path, {}), 401, "not_authenticated")
        for path in LISTS:
            assert_error(client.get(path), 401, "not_authenticated")

    def test_an_interviewer_reads_the_loop_but_does_not_change_it(self, loop, candidate, ana):
        api = token_client(ana)
        assert api.get(loop_path(loop)).status_code == 200
        assert api.get(candidate_path(candidate)).status_code == 200
        first = interview(loop, 1)
        for method, path in [
            ("patch", loop_path(loop)),
            ("post", loop_path(loop, "interviews/")),
            ("patch", loop_path(loop, f"interviews/{first.pk}/")),
            ("delete", loop_path(loop, f"interviews/{first.pk}/")),
            ("delete", candidate_path(candidate)),
        ]:
            assert_error(send(api, method, path, {"title": "Mine"}), 403, "permission_denied")
        loop.refresh_from_db()
        assert loop.title == "Ops Manager - onsite" and loop.interviews.count() == 2

    def test_an_interviewer_reads_the_kit_of_their_interview_only(self, loop, kit, second_kit, ana):
        api = token_client(ana)
        assert api.get(f"/api/v1/kits/{kit.pk}/").json()["title"] == kit.title
        assert_error(api.get(f"/api/v1/kits/{second_kit.pk}/"), 404, "not_found")
        answer = send(api, "patch", f"/api/v1/kits/{kit.pk}/", {"title": "Mine"})
        assert answer.status_code in (403, 404)
        kit.refresh_from_db()
        assert kit.title != "Mine"

    def test_only_hiring_managers_create_loops(self, ana):
        body = assert_error(
            send(token_client(ana), "post", "/api/v1/loops/", {"title": "Mine"}),
            403,
            "permission_denied",
        )
        assert "Hiring manager" in body["detail"]
        assert not Loop.objects.exists()


class TestLoops:
    def test_a_hiring_manager_builds_a_loop(self, owner, kit, second_kit, ana, ben, ops_manager):
        api = token_client(owner)
        answer = send(
            api,
            "post",
            "/api/v1/loops/",
            {"title": " Ops - onsite ", "role": ops_manager.slug, "competencies": ["leadership"]},
        )
        assert answer.status_code == 201, answer.content
        loop = answer.json()
        assert loop["title"] == "Ops - onsite" and loop["owner"] == owner.username
        assert loop["role"] == ops_manager.slug and loop["interviews"] == []
        assert loop["coverage"]["uncovered"] == ["leadership"]

        path = f"/api/v1/loops/{loop['id']}/interviews/"
        answer = send(api, "post", path, {"kit": kit.pk, "interviewers": ["ana"]})
        assert answer.status_code == 201, answer.content
        answer = send(api, "post", path, {"kit": second_kit.pk, "interviewers": ["ben"]})
        loop = answer.json()
        assert [(i["position"], i["kit"], i["interviewers"]) for i in loop["interviews"]] == [
            (1, kit.pk, ["ana"]),
            (2, second_kit.pk, ["ben"]),
        ]
        assert loop["coverage"]["uncovered"] == []
        # The pricing question is in both kits.
        [repeated] = loop["coverage"]["repeated"]
        assert repeated["interviews"] == [i["id"] for i in loop["interviews"]]

        first = loop["interviews"][0]["id"]
        answer = send(api, "patch", f"{path}{first}/", {"interviewers": ["ana", "ben"]})
        assert answer.json()["interviews"][0]["interviewers"] == ["ana", "ben"]
        answer = send(api, "delete", f"{path}{first}/")
        assert [(i["position"], i["kit"]) for i in answer.json()["interviews"]] == [
            (1, second_kit.pk)
        ]

        answer = send(api, "patch", f"/api/v1/loops/{loop['id']}/", {"role": None})
        assert answer.json()["role"] is None and answer.json()["title"] == "Ops - onsite"
        assert [row["id"] for row in api.get("/api/v1/loops/").json()["results"]] == [loop["id"]]

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"title": "  "}, "title"),
            ({"title": 7}, "title"),
            ({"title": "x", "role": "no-such-role"}, "role"),
            ({"title": "x", "competencies": ["cooking"]}, "competencies"),
            ({}, "title"),
        ],
    )
    def test_bad_details_are_400s_naming_the_field(self, owner, body, field):
        answer = assert_error(
            send(token_client(owner), "post", "/api/v1/loops/", body), 400, "invalid"
        )
        assert field in answer["errors"]
        assert not Loop.objects.exists()

    def test_bad_interviews_are_400s_and_change_nothing(
        self, loop, kit, colleague, owner, recruiter
    ):
        api = token_client(owner)
        path = loop_path(loop, "interviews/")
        theirs = kit_rules.kit_create(owner=colleague, title="Colin's kit")
        cases = [
            ({"kit": theirs.pk}, "kit"),
            ({"kit": kit.pk}, "non_field_errors"),  # already in the loop
            ({"kit": "one"}, "kit"),
            ({"kit": theirs.pk, "interviewers": [recruiter.username]}, "interviewers"),
        ]
        for body, field in cases:
            answer = assert_error(send(api, "post", path, body), 400, "invalid")
            assert field in answer["errors"], body
        first = interview(loop, 1)
        answer = send(
            api, "patch", loop_path(loop, f"interviews/{first.pk}/"), {"interviewers": ["nobody"]}
        )
        assert "Interviewer group" in assert_error(answer, 400, "invalid")["detail"] + json.dumps(
            answer.json()["errors"]
        )
        assert loop.interviews.count() == 2
        assert list(first.interviewers.values_list("username", flat=True)) == ["ana"]

    def test_an_interview_with_scorecards_stays(self, loop, candidate, ana, owner):
        opened(loop, candidate, ana, 1)
        path = loop_path(loop, f"interviews/{interview(loop, 1).pk}/")
        body = assert_error(send(token_client(owner), "delete", path), 400, "invalid")
        assert "Scorecards were written" in body["detail"]
        assert loop.interviews.count() == 2

    def test_an_unknown_interview_is_a_404(self, loop, owner):
        assert_error(
            send(token_client(owner), "delete", loop_path(loop, "interviews/999999/")),
            404,
            "not_found",
        )


class TestCandidates:
    def test_the_owner_adds_lists_and_deletes_candidates(self, loop, candidate, owner, ana):
        api = token_client(owner)
        answer = send(
            api, "post", "/api/v1/candidates/", {"loop": str(loop.code), "reference": " K-7 "}
        )
        assert answer.status_code == 201, answer.content
        added = answer.json()
        assert (added["reference"], added["display_name"]) == ("K-7", "")
        assert [(row["interviewer"], row["status"]) for row in added["scorecards"]] == [
            ("ana", "not_started"),
            ("ben", "not_started"),
        ]
        listed = api.get(f"/api/v1/candidates/?loop={loop.code}").json()["results"]
        assert [row["reference"] for row in listed] == ["K-7", "ATS-1042"]

        fill(opened(loop, candidate, ana, 1), [4, 3])
        assert send(api, "delete", candidate_path(candidate)).status_code == 204
        assert not Candidate.objects.filter(pk=candidate.pk).exists()
        assert not Scorecard.objects.exists()

    def test_a_reference_is_needed_and_unique_in_the_loop(self, loop, candidate, owner):
        api = token_client(owner)
        for body in [{"reference": "ATS-1042"}, {"reference": "  "}, {}]:
            answer = send(api, "post", "/api/v1/candidates/", {"loop": str(loop.code), **body})
            assert_error(answer, 400, "invalid")
        assert loop.candidates.count() == 1

    def test_an_interviewer_cannot_add_candidates(self, loop, ana):
        answer = send(
            token_client(ana),
            "post",
            "/api/v1/candidates/",
            {"loop": str(loop.code), "reference": "X"},
        )
        assert "loop" in assert_error(answer, 400, "invalid")["errors"]

    def test_a_bad_loop_filter_is_a_400(self, owner, loop):
        assert_error(token_client(owner).get("/api/v1/candidates/?loop=7"), 400, "invalid")

    def test_status_shows_progress_but_ids_only_of_scorecards_one_may_read(
        self, loop, candidate, ana, ben, owner
    ):
        fill(opened(loop, candidate, ana, 1), [4, 3])
        opened(loop, candidate, ben, 2)
        rows = token_client(owner).get(candidate_path(candidate)).json()["scorecards"]
        assert [(r["interviewer"], r["status"], r["scorecard"] is not None) for r in rows] == [
            ("ana", "submitted", True),
            ("ben", "draft", False),  # a draft is the interviewer's own
        ]


class TestScorecards:
    def test_an_interviewer_opens_drafts_and_submits_their_scorecard(self, loop, candidate, ana):
        api = token_client(ana)
        body = {"candidate": str(candidate.code), "interview": interview(loop, 1).pk}
        answer = send(api, "post", "/api/v1/scorecards/", body)
        assert answer.status_code == 201, answer.content
        card = answer.json()
        assert [r["position"] for r in card["ratings"]] == [1, 2]
        assert len(card["ratings"][0]["anchors"]) == 5
        assert send(api, "post", "/api/v1/scorecards/", body).status_code == 200
        assert Scorecard.objects.count() == 1

        first, second = (r["id"] for r in card["ratings"])
        path = f"/api/v1/scorecards/{card['id']}/"
        answer = send(
            api,
            "patch",
            path,
            {"ratings": [{"id": first, "level": 4, "evidence": "Cut returns 12%."}]},
        )
        assert answer.json()["ratings"][0]["level"] == 4 and answer.json()["submitted"] is None

        answer = send(api, "post", path + "submit/", {"recommendation": "yes"})
        assert "question 2" in assert_error(answer, 400, "invalid")["detail"]
        answer = send(
            api,
            "post",
            path + "submit/",
            {"ratings": [{"id": second, "not_asked": True}], "recommendation": "yes"},
        )
        assert answer.status_code == 200, answer.content
        assert answer.json()["submitted"] and answer.json()["amended"] is None

        answer = send(api, "patch", path, {"ratings": [{"id": second, "level": 2}]})
        card = answer.json()
        assert card["amended"] and card["ratings"][1]["level"] == 2
        assert card["ratings"][1]["not_asked"] is False
        assert Rating.history.filter(id=second).count() == 3  # created, not asked, amended

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"level": 7}, "ratings.0.level"),
            ({"level": "4"}, "ratings.0.level"),
            ({"not_asked": "yes"}, "ratings.0.not_asked"),
        ],
    )
    def test_bad_ratings_are_400s_and_save_nothing(self, loop, candidate, ana, change, field):
        scorecard = opened(loop, candidate, ana, 1)
        rating = scorecard.ratings.first()
        answer = send(
            token_client(ana),
            "patch",
            f"/api/v1/scorecards/{scorecard.pk}/",
            {"ratings": [{"id": rating.pk, **change}], "summary": "Changed"},
        )
        assert field in assert_error(answer, 400, "invalid")["errors"]
        scorecard.refresh_from_db()
        assert scorecard.summary == "" and scorecard.ratings.first().level is None

    def test_a_rating_from_another_scorecard_is_a_400(self, loop, candidate, ana, ben):
        mine = opened(loop, candidate, ana, 1)
        theirs = opened(loop, candidate, ben, 2).ratings.first()
        answer = send(
            token_client(ana),
            "patch",
            f"/api/v1/scorecards/{mine.pk}/",
            {"ratings": [{"id": theirs.pk, "level": 5}]},
        )
        assert "not on this scorecard" in assert_error(answer, 400, "invalid")["detail"]
        assert Rating.objects.get(pk=theirs.pk).level is None

    def test_a_scorecard_for_someone_elses_interview_is_a_400(self, loop, candidate, ben):
        body = {"candidate": str(candidate.code), "interview": interview(loop, 1).pk}
        answer = send(token_client(ben), "post", "/api/v1/scorecards/", body)
        assert "not an interviewer" in assert_error(answer, 400, "invalid")["detail"]
        assert not Scorecard.objects.exists()

    def test_an_interview_of_another_loop_is_a_400(self, loop, candidate, ana, owner, kit):
        other = rules.loop_create(owner=owner, title="Other")
        elsewhere = rules.loop_add_interview(loop=other, kit=kit, interviewers=[ana])
        body = {"candidate": str(candidate.code), "interview": elsewhere.pk}
        answer = send(token_client(ana), "post", "/api/v1/scorecards/", body)
        assert "interview" in assert_error(answer, 400, "invalid")["errors"]

    def test_the_hiring_manager_reads_submitted_scorecards_and_changes_none(
        self, loop, candidate, ana, owner
    ):
        scorecard = fill(opened(loop, candidate, ana, 1), [4, 3])
        api = token_client(owner)
        assert api.get(f"/api/v1/scorecards/{scorecard.pk}/").status_code == 200
        answer = send(api, "patch", f"/api/v1/scorecards/{scorecard.pk}/", {"summary": "Mine"})
        assert_error(answer, 403, "permission_denied")


class TestBlindUntilSubmitted:
    def test_nobody_reads_anothers_ratings_before_submitting_their_own(
        self, loop, candidate, ana, ben, owner
    ):
        bens = fill(opened(loop, candidate, ben, 2), [2, 2])
        anas = opened(loop, candidate, ana, 1)
        ana_api = token_client(ana)

        def readable(api):
            return {row["id"] for row in api.get("/api/v1/scorecards/").json()["results"]}

        assert readable(ana_api) == {anas.pk}
        assert_error(ana_api.get(f"/api/v1/scorecards/{bens.pk}/"), 404, "not_found")
        assert_error(ana_api.get(candidate_path(candidate, "debrief/")), 403, "permission_denied")
        assert readable(token_client(owner)) == {bens.pk}  # never a draft

        fill(anas, [4, 4])
        assert readable(ana_api) == {anas.pk, bens.pk}
        assert ana_api.get(f"/api/v1/scorecards/{bens.pk}/?").json()["ratings"][0]["level"] == 2
        assert ana_api.get(candidate_path(candidate, "debrief/")).status_code == 200


class TestDebrief:
    def test_it_combines_ratings_by_the_rule_and_lists_what_is_missing(
        self, loop, candidate, ana, ben, owner
    ):
        fill(opened(loop, candidate, ana, 1), [5, 2], "strong_yes")  # strategy 5, leadership 2
        opened(loop, candidate, ben, 2)
        debrief = token_client(owner).get(candidate_path(candidate, "debrief/")).json()
        assert debrief["candidate"] == str(candidate.code)
        scores = {row["competency"]: row for row in debrief["competencies"]}
        assert scores["strategy"]["mean"] == 5.0 and scores["leadership"]["mean"] == 2.0
        assert not scores["strategy"]["flagged"]
        assert [(r["interviewer"], r["recommendation"]) for r in debrief["recommendations"]] == [
            ("ana", "strong_yes")
        ]
        assert debrief["missing"] == [
            {"interview": interview(loop, 2).pk, "interviewer": "ben", "started": True}
        ]


class TestQueries:
    def test_lists_take_the_same_queries_for_one_loop_or_many(
        self, django_assert_max_num_queries, owner, kit, second_kit, ana, ben
    ):
        def build(n):
            loop = rules.loop_create(owner=owner, title=f"Loop {n}")
            rules.loop_add_interview(loop=loop, kit=kit, interviewers=[ana, ben])
            candidate = rules.candidate_add(loop=loop, reference=f"C-{n}")
            fill(opened(loop, candidate, ana, 1), [3, 3])

        api = token_client(owner)
        build(1)
        counts = {}
        for size in (1, 4):
            while Loop.objects.count() < size:
                build(Loop.objects.count() + 1)
            for path in LISTS:
                with django_assert_max_num_queries(100) as captured:
                    assert len(api.get(path).json()["results"]) == size
                counts[size, path] = len(captured)
        for path in LISTS:
            assert counts[1, path] == counts[4, path], path


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_lose_nothing_and_duplicate_nothing(
    restore_migrated_groups, owner, kit, ana
):
    loop = rules.loop_create(owner=owner, title="Busy")
    rules.loop_add_interview(loop=loop, kit=kit, interviewers=[ana])
    candidate = rules.candidate_add(loop=loop, reference="C-1")
    body = {"candidate": str(candidate.code), "interview": interview(loop, 1).pk}
    opens = []

    clients = {level: token_client(ana) for level in (2, 3, 4, 5)}

    def open_and_submit(level):
        api = clients[level]
        try:
            card = send(api, "post", "/api/v1/scorecards/", body).json()
            opens.append(card["id"])
            ratings = [{"id": r["id"], "level": level} for r in card["ratings"]]
            send(
                api,
                "post",
                f"/api/v1/scorecards/{card['id']}/submit/",
                {"ratings": ratings, "recommendation": "yes", "summary": f"Level {level}"},
            )
        finally:
            connection.close()

    barrier = threading.Barrier(4)

    def run(level):
        barrier.wait()
        open_and_submit(level)

    threads = [threading.Thread(target=run, args=(level,)) for level in (2, 3, 4, 5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    [scorecard] = Scorecard.objects.all()
    assert set(opens) == {scorecard.pk}
    assert scorecard.ratings.count() == 2
    # The last save wins whole: its summary and its levels, never a mix.
    level = int(scorecard.summary.split()[-1])
    assert set(scorecard.ratings.values_list("level", flat=True)) == {level}
    assert scorecard.submitted_at is not None
