"""The loop, candidate, scorecard and debrief pages: who reaches what, and what they do."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from questions.kits import item_rules
from questions.kits import rules as kit_rules
from questions.pdf import PdfUnavailable
from questions.scorecards import pages, rules
from questions.scorecards.models import (
    GENERIC_ANCHORS,
    Candidate,
    Loop,
    Recommendation,
    Scorecard,
)
from tests.helpers import anchored_kit
from tests.scorecards.scorecard_helpers import fill


@pytest.fixture
def loop(owner, kit, ana):
    loop = rules.loop_create(owner=owner, title="Ops Manager - onsite")
    rules.loop_add_interview(loop=loop, kit=kit, interviewers=[ana])
    return loop


@pytest.fixture
def candidate(loop):
    return rules.candidate_add(loop=loop, reference="ATS-1042")


def addresses(loop, candidate):
    interview = loop.interviews.get()
    scorecard = Scorecard.objects.filter(candidate=candidate).first()
    urls = [
        reverse("questions:loop-detail", args=[loop.code]),
        reverse("questions:loop-add-interview", args=[loop.code]),
        reverse("questions:loop-interview", args=[loop.code, interview.pk]),
        reverse("questions:candidate-add", args=[loop.code]),
        reverse("questions:candidate-detail", args=[candidate.code]),
        reverse("questions:candidate-delete", args=[candidate.code]),
        reverse("questions:scorecard-fill", args=[candidate.code, interview.pk]),
        reverse("questions:candidate-debrief", args=[candidate.code]),
        reverse("questions:candidate-debrief-print", args=[candidate.code]),
        reverse("questions:candidate-debrief-pdf", args=[candidate.code]),
    ]
    if scorecard:
        urls.append(reverse("questions:scorecard-detail", args=[candidate.code, scorecard.pk]))
    return urls


def login(client, user):
    client.force_login(user)
    return client


class TestAccess:
    def test_an_outsider_never_learns_a_loop_or_candidate_exists(
        self, client, loop, candidate, ana, colleague, outsider
    ):
        rules.scorecard_open(candidate=candidate, interview=loop.interviews.get(), interviewer=ana)
        for person in (colleague, outsider):
            login(client, person)
            for url in addresses(loop, candidate):
                assert client.get(url).status_code in (404, 405), (person, url)
                assert client.post(url).status_code in (404, 405), (person, url)

    def test_anonymous_visitors_are_sent_to_sign_in(self, client, loop, candidate):
        for url in [*addresses(loop, candidate), reverse("questions:loop-list")]:
            answers = [client.get(url), client.post(url)]
            # A page only posted to answers a GET with 405, and the other way round.
            assert {response.status_code for response in answers} <= {302, 405}, url
            assert any(
                response["Location"].startswith("/accounts/login/")
                for response in answers
                if response.status_code == 302
            ), url

    def test_an_interviewer_reads_the_loop_but_does_not_change_it(
        self, client, loop, candidate, ana
    ):
        login(client, ana)
        assert client.get(reverse("questions:loop-detail", args=[loop.code])).status_code == 200
        assert (
            client.post(
                reverse("questions:candidate-add", args=[loop.code]), {"reference": "X"}
            ).status_code
            == 403
        )
        assert (
            client.post(reverse("questions:candidate-delete", args=[candidate.code])).status_code
            == 403
        )
        assert Candidate.objects.count() == 1

    def test_an_interviewer_reads_the_kits_of_their_interviews_only(
        self, client, loop, candidate, kit, ana, ben, owner
    ):
        other = kit_rules.kit_create(owner=owner, title="Not in the loop")
        read = ["view/", "print/", "kit.pdf", "kit.md", "kit.csv"]
        login(client, ana)
        for path in read:
            assert client.get(f"/kits/{kit.code}/{path}").status_code == 200, path
            assert client.get(f"/kits/{other.code}/{path}").status_code == 404, path
        # Reading is not building: the builder's address opens the interviewer's view.
        assert client.get(f"/kits/{kit.code}/")["Location"] == f"/kits/{kit.code}/view/"
        assert client.post(f"/kits/{kit.code}/delete/").status_code == 404
        fill_page = client.get(
            reverse("questions:scorecard-fill", args=[candidate.code, loop.interviews.get().pk])
        ).content.decode()
        assert f"/kits/{kit.code}/view/" in fill_page
        # Someone in no interview of the loop reads none of its kits.
        login(client, ben)
        assert client.get(f"/kits/{kit.code}/view/").status_code == 404

    def test_only_hiring_managers_create_loops(self, client, ana, owner):
        login(client, ana)
        assert client.get(reverse("questions:loop-create")).status_code == 403
        login(client, owner)
        assert client.get(reverse("questions:loop-create")).status_code == 200


class TestHiringManager:
    def test_builds_a_loop_with_interviews_and_a_candidate(
        self, client, owner, kit, ana, ben, strategy
    ):
        login(client, owner)
        response = client.post(
            reverse("questions:loop-create"),
            {"title": "Ops Manager - onsite", "competencies": ["strategy"]},
        )
        loop = Loop.objects.get()
        assert response["Location"] == reverse("questions:loop-detail", args=[loop.code])
        second = kit_rules.kit_create(owner=owner, title="Second interview")

        client.post(
            reverse("questions:loop-add-interview", args=[loop.code]),
            {"kit": kit.code, "interviewers": ["ana"]},
        )
        client.post(
            reverse("questions:loop-add-interview", args=[loop.code]),
            {"kit": second.code, "interviewers": ["ben"]},
        )
        assert [
            list(i.interviewers.values_list("username", flat=True)) for i in loop.interviews.all()
        ] == [["ana"], ["ben"]]

        page = client.get(reverse("questions:loop-detail", args=[loop.code])).content.decode()
        assert "Coverage" in page and "Strategy" in page

        response = client.post(
            reverse("questions:candidate-add", args=[loop.code]),
            {"reference": "ATS-1042", "display_name": "J. D."},
        )
        candidate = Candidate.objects.get()
        assert response["Location"] == reverse("questions:candidate-detail", args=[candidate.code])

    def test_bad_input_gets_a_form_error_and_writes_nothing(
        self, client, owner, loop, kit, candidate
    ):
        login(client, owner)
        response = client.post(
            reverse("questions:loop-add-interview", args=[loop.code]), {"kit": kit.code}
        )
        assert response.status_code == 400
        assert "already an interview" in response.content.decode()
        response = client.post(
            reverse("questions:candidate-add", args=[loop.code]), {"reference": "ATS-1042"}
        )
        assert response.status_code == 400
        assert "already has a candidate" in response.content.decode()
        response = client.post(
            reverse("questions:loop-add-interview", args=[loop.code]), {"kit": "not-a-kit"}
        )
        assert response.status_code == 400
        assert loop.interviews.count() == 1 and Candidate.objects.count() == 1

    def test_someone_elses_kit_cannot_be_added(self, client, loop, colleague, owner):
        theirs = kit_rules.kit_create(owner=colleague, title="Theirs")
        login(client, owner)
        response = client.post(
            reverse("questions:loop-add-interview", args=[loop.code]), {"kit": theirs.code}
        )
        assert response.status_code == 400
        assert loop.interviews.count() == 1

    def test_deleting_a_candidate_asks_first_then_deletes_their_scorecards(
        self, client, owner, loop, candidate, ana
    ):
        rules.scorecard_open(candidate=candidate, interview=loop.interviews.get(), interviewer=ana)
        login(client, owner)
        url = reverse("questions:candidate-delete", args=[candidate.code])
        assert "1 scorecard" in client.get(url).content.decode()
        client.post(url)
        assert not Candidate.objects.exists() and not Scorecard.objects.exists()


class TestScorecardPage:
    def form_data(self, scorecard, levels, action, recommendation="yes"):
        data = {"action": action, "recommendation": recommendation, "summary": "Strong on data."}
        for rating, level in zip(scorecard.ratings.all(), levels, strict=True):
            data[f"level-{rating.pk}"] = level
            data[f"evidence-{rating.pk}"] = f"Evidence {level}"
        return data

    def test_an_interviewer_drafts_then_submits_without_javascript(
        self, client, loop, candidate, ana, owner
    ):
        login(client, ana)
        url = reverse("questions:scorecard-fill", args=[candidate.code, loop.interviews.get().pk])
        page = client.get(url).content.decode()
        assert 'type="radio"' in page and "Not asked" in page
        scorecard = Scorecard.objects.get()

        response = client.post(url, self.form_data(scorecard, ["4", ""], "draft", ""))
        assert response.status_code == 302
        scorecard.refresh_from_db()
        assert not scorecard.is_submitted
        assert scorecard.ratings.first().level == 4

        response = client.post(url, self.form_data(scorecard, ["4", ""], "submit"))
        assert response.status_code == 400
        assert "Rate every question" in response.content.decode()

        client.post(url, self.form_data(scorecard, ["4", "not-asked"], "submit"))
        scorecard.refresh_from_db()
        assert scorecard.is_submitted

    def test_autosave_answers_htmx_with_a_status_line(self, client, loop, candidate, ana):
        login(client, ana)
        url = reverse("questions:scorecard-fill", args=[candidate.code, loop.interviews.get().pk])
        client.get(url)
        scorecard = Scorecard.objects.get()
        response = client.post(
            url, self.form_data(scorecard, ["2", "3"], "draft", ""), headers={"HX-Request": "true"}
        )
        assert response.status_code == 200
        assert response.content.decode().startswith("Draft saved")

    def test_a_bad_rating_is_a_form_error(self, client, loop, candidate, ana):
        login(client, ana)
        url = reverse("questions:scorecard-fill", args=[candidate.code, loop.interviews.get().pk])
        client.get(url)
        scorecard = Scorecard.objects.get()
        response = client.post(url, self.form_data(scorecard, ["9", "3"], "draft"))
        assert response.status_code == 400
        assert scorecard.ratings.filter(level__isnull=False).count() == 0

    def test_the_owner_is_not_an_interviewer_here(self, client, loop, candidate, owner):
        login(client, owner)
        url = reverse("questions:scorecard-fill", args=[candidate.code, loop.interviews.get().pk])
        assert client.get(url).status_code == 403


class TestDebriefPage:
    def test_the_owner_reads_the_debrief_and_a_blind_interviewer_cannot(
        self, client, loop, candidate, ana, owner
    ):
        login(client, ana)
        assert (
            client.get(reverse("questions:candidate-debrief", args=[candidate.code])).status_code
            == 403
        )
        login(client, owner)
        response = client.get(reverse("questions:candidate-debrief", args=[candidate.code]))
        assert response.status_code == 200
        assert "Missing scorecards" in response.content.decode()

    def test_prints_and_downloads_as_a_pdf_with_the_scores(
        self, client, loop, candidate, ana, owner
    ):
        scorecard = rules.scorecard_open(
            candidate=candidate, interview=loop.interviews.get(), interviewer=ana
        )
        fill(scorecard, [4, 2], Recommendation.STRONG_YES)
        login(client, owner)
        printed = client.get(reverse("questions:candidate-debrief-print", args=[candidate.code]))
        page = printed.content.decode()
        assert "Strategy" in page and "4.0" in page and "Strong yes" in page
        assert "site-header" not in page, "the print view carries no site chrome"

        response = client.get(reverse("questions:candidate-debrief-pdf", args=[candidate.code]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'attachment; filename="debrief-ats-1042.pdf"'
        assert response.content.startswith(b"%PDF")

    def test_a_blind_interviewer_gets_no_pdf_either(self, client, loop, candidate, ana):
        login(client, ana)
        url = reverse("questions:candidate-debrief-pdf", args=[candidate.code])
        assert client.get(url).status_code == 403

    def test_without_pdf_support_points_to_the_print_view(
        self, client, loop, candidate, owner, monkeypatch
    ):
        def unavailable(html):
            raise PdfUnavailable

        monkeypatch.setattr(pages, "pdf_document", unavailable)
        login(client, owner)
        response = client.get(reverse("questions:candidate-debrief-pdf", args=[candidate.code]))
        assert response.status_code == 503
        assert reverse("questions:candidate-debrief-print", args=[candidate.code]) in (
            response.content.decode()
        )


class TestQueriesPerPage:
    """A debrief and a scorecard take the same queries for a loop of 2 interviews or of 8."""

    @staticmethod
    def loop_of(size, owner, ana, questions):
        loop = rules.loop_create(owner=owner, title=f"Loop of {size}")
        for number in range(size):
            kit = kit_rules.kit_create(owner=owner, title=f"Interview {number + 1}")
            for question in questions:
                item_rules.kit_add_question(kit=kit, question=question)
            rules.loop_add_interview(loop=loop, kit=kit, interviewers=[ana])
        candidate = rules.candidate_add(loop=loop, reference=f"REF-{size}")
        for number, interview in enumerate(loop.interviews.order_by("position")):
            scorecard = rules.scorecard_open(
                candidate=candidate, interview=interview, interviewer=ana
            )
            fill(scorecard, [1 + number % 5, 5 - number % 5])
        return candidate

    def queries(self, client, url) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    def test_constant_whatever_the_loop_size(
        self, client, owner, ana, pricing_question, conflict_question
    ):
        questions = [pricing_question, conflict_question]
        counts = {}
        for size in (2, 8):
            candidate = self.loop_of(size, owner, ana, questions)
            scorecard = Scorecard.objects.filter(candidate=candidate).first()
            login(client, owner)
            counts[size] = [
                self.queries(client, reverse(name, args=[candidate.code]))
                for name in (
                    "questions:candidate-detail",
                    "questions:candidate-debrief",
                    "questions:candidate-debrief-print",
                )
            ] + [
                self.queries(
                    client,
                    reverse("questions:scorecard-detail", args=[candidate.code, scorecard.pk]),
                )
            ]
            login(client, ana)
            counts[size].append(
                self.queries(
                    client,
                    reverse(
                        "questions:scorecard-fill", args=[candidate.code, scorecard.interview_id]
                    ),
                )
            )
        assert counts[2] == counts[8]


def test_each_level_shows_its_anchor_the_questions_own_or_the_generic_one(
    client, owner, ana, pricing_question, conflict_question
):
    anchored = anchored_kit(owner, pricing_question, conflict_question)
    loop = rules.loop_create(owner=owner, title="Anchored loop")
    interview = rules.loop_add_interview(loop=loop, kit=anchored, interviewers=[ana])
    candidate = rules.candidate_add(loop=loop, reference="C-7")
    login(client, ana)
    page = client.get(
        reverse("questions:scorecard-fill", args=[candidate.code, interview.pk])
    ).content.decode()
    assert all(f"Pricing level {n}." in page for n in range(1, 6))
    assert all(anchor in page for anchor in GENERIC_ANCHORS)


def test_the_loop_list_shows_an_interviewers_unfinished_scorecards_only(
    client, loop, candidate, ana
):
    draft = rules.scorecard_open(
        candidate=candidate, interview=loop.interviews.get(), interviewer=ana
    )
    login(client, ana)
    fill_url = reverse("questions:scorecard-fill", args=[candidate.code, draft.interview_id])
    page = client.get(reverse("questions:loop-list")).content.decode()
    assert loop.title in page and fill_url in page
    Scorecard.objects.filter(pk=draft.pk).update(submitted_at=draft.created_at)
    page = client.get(reverse("questions:loop-list")).content.decode()
    assert "Your scorecards to finish" not in page
