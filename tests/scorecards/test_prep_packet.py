"""The candidate prep packet: what a candidate may know, by a link that is off by default."""

import pytest
from django.test import Client

from questions.scorecards import prep
from questions.scorecards.models import Loop

pytestmark = pytest.mark.django_db


def packet_url(loop: Loop) -> str:
    return f"/loops/prep/{loop.prep_token}/"


def switch(client, loop: Loop, action: str):
    return client.post(f"/loops/{loop.code}/prep/", {"action": action})


def test_it_is_off_until_the_hiring_manager_turns_it_on(loop, owner_client):
    assert loop.prep_token is None
    page = owner_client.get(f"/loops/{loop.code}/").content.decode()
    assert "Turn on a prep packet link" in page
    assert Client().get("/loops/prep/guessed-token/").status_code == 404


def test_the_packet_says_what_is_assessed_and_never_the_questions(
    loop, owner_client, kit, second_kit
):
    response = switch(owner_client, loop, "on")
    assert response["Location"] == f"/loops/{loop.code}/#prep"
    loop.refresh_from_db()
    response = Client().get(packet_url(loop))
    page = response.content.decode()
    assert response.status_code == 200
    assert "2 interviews, about 75 minutes in all" in page
    first, second = page.index(kit.title), page.index(second_kit.title)
    assert first < second
    assert "Strategy" in page and "Leadership" in page
    for item in [*kit.items.all(), *second_kit.items.all()]:
        assert item.pinned_text not in page
        assert item.pinned_guidance not in page
        assert item.question.guidance not in page
    # Kept out of caches, search engines and other sites' logs; no site chrome.
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert 'id="site-search"' not in page and "Sign in" not in page


def test_each_interview_lists_only_the_competencies_its_questions_assess(loop):
    first, second = prep.prep_packet(loop)
    assert [c.slug for c in first.competencies] == ["strategy", "leadership"]
    assert [c.slug for c in second.competencies] == ["strategy"]
    assert (first.minutes, second.minutes) == (30, 45)


def test_a_new_link_or_turning_it_off_stops_the_old_one(loop, owner_client):
    switch(owner_client, loop, "on")
    loop.refresh_from_db()
    old = packet_url(loop)
    switch(owner_client, loop, "regenerate")
    loop.refresh_from_db()
    assert Client().get(old).status_code == 404
    assert Client().get(packet_url(loop)).status_code == 200
    current = packet_url(loop)
    switch(owner_client, loop, "off")
    loop.refresh_from_db()
    assert loop.prep_token is None
    assert Client().get(current).status_code == 404


def test_an_unknown_action_changes_nothing(loop, owner_client):
    response = switch(owner_client, loop, "explode")
    assert response.status_code == 302
    loop.refresh_from_db()
    assert loop.prep_token is None


@pytest.mark.parametrize(("who", "status"), [("ana", 403), ("colleague", 404), ("recruiter", 404)])
def test_only_the_loops_hiring_manager_turns_it_on(request, loop, who, status):
    client = Client()
    client.force_login(request.getfixturevalue(who))
    assert switch(client, loop, "on").status_code == status
    loop.refresh_from_db()
    assert loop.prep_token is None


def test_signed_out_visitors_cannot_turn_it_on(loop):
    response = switch(Client(), loop, "on")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    loop.refresh_from_db()
    assert loop.prep_token is None
