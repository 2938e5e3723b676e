"""The search page /search/ and the search box in the site header."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from questions.models import Question
from tests.helpers import make_questions

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


class TestHeaderSearchBox:
    @pytest.mark.parametrize(
        "path",
        [
            "/",
            "/competencies/strategy/",
            "/roles/e-commerce-operations-manager/",
            "/questions/how-would-you-use-data-analysis-to-improve-inventory/",
            "/search/?q=inventory",
        ],
    )
    def test_every_page_has_the_search_box_and_its_script(self, seed_bank, recruiter_client, path):
        body = recruiter_client.get(path).content.decode()
        assert re.search(r'<form id="site-search"[^>]*role="search"[^>]*action="/search/"', body)
        assert '<label for="site-search-q"' in body
        assert 'aria-keyshortcuts="/"' in body
        assert re.search(r'<script src="[^"]*questions/site\.js" defer></script>', body)

    @pytest.mark.parametrize("path", ["/", "/search/?q=inventory", "/search/?q=nothing-at-all"])
    def test_pages_have_no_inline_scripts_or_handlers(self, seed_bank, recruiter_client, path):
        body = recruiter_client.get(path).content.decode()
        assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", body))
        assert not re.search(r"\son[a-z]+\s*=", body)

    def test_the_slash_shortcut_script_focuses_the_box(self):
        source = Path(finders.find("questions/site.js")).read_text()
        assert 'event.key !== "/"' in source
        assert "[data-search-input]" in source

    def test_the_box_keeps_the_query_on_the_search_page(self, seed_bank, recruiter_client):
        body = recruiter_client.get("/search/?q=angry+shopper").content.decode()
        assert 'value="angry shopper"' in body

    def test_on_the_search_page_the_box_updates_results_as_you_type(
        self, seed_bank, recruiter_client
    ):
        body = recruiter_client.get("/search/?q=inventory").content.decode()
        form = re.search(r'<form id="site-search"[^>]*>', body).group()
        assert 'hx-get="/search/"' in form
        assert 'hx-trigger="input changed delay:300ms, submit, change from:#search-filters"' in form
        assert 'hx-target="#results"' in form
        assert 'hx-push-url="true"' in form
        home_form = re.search(
            r'<form id="site-search"[^>]*>', recruiter_client.get("/").content.decode()
        ).group()
        assert "hx-get" not in home_form  # elsewhere the box is a plain GET form


class TestResults:
    def test_it_shows_ranked_highlighted_results(self, seed_bank, recruiter_client):
        response = recruiter_client.get("/search/?q=inventory")
        assert response.status_code == 200
        body = response.content.decode()
        assert (
            "How would you use data analysis to improve <mark>inventory</mark> management" in body
        )
        assert "What to look for:" in body
        # Long guidance is cut to a snippet, the whole of it one click away without JavaScript.
        assert "Full guidance</summary>" in body
        assert re.search(r'class="count"[^>]*>\s*5 questions', body)

    def test_only_page_links_are_loaded_into_the_results(self, strategy, recruiter_client):
        make_questions(strategy, 25)
        body = recruiter_client.get("/search/?q=forecasting").content.decode()
        assert body.count('hx-boost="true"') == 1
        assert re.search(r'<nav class="pagination"[^>]*hx-boost="true"', body)

    def test_htmx_gets_only_the_results_partial(self, seed_bank, recruiter_client):
        response = recruiter_client.get("/search/?q=inventory", headers=HTMX)
        body = response.content.decode()
        assert response.status_code == 200
        assert "<html" not in body
        assert 'id="site-search"' not in body
        assert "<mark>inventory</mark>" in body
        assert "HX-Request" in response["Vary"]

    def test_htmx_results_bring_the_new_page_title(self, seed_bank, recruiter_client):
        body = recruiter_client.get("/search/?q=inventory", headers=HTMX).content.decode()
        assert body.count("<title>") == 1
        assert "<title>Search: inventory · Interview Bank</title>" in body
        page = recruiter_client.get("/search/?q=inventory").content.decode()
        assert page.count("<title>") == 1

    def test_restoring_history_gets_the_whole_page(self, seed_bank, recruiter_client):
        headers = {**HTMX, "HX-History-Restore-Request": "true"}
        body = recruiter_client.get("/search/?q=inventory", headers=headers).content.decode()
        assert "<html" in body

    def test_a_blank_query_shows_browsing(self, seed_bank, recruiter_client):
        response = recruiter_client.get("/search/?q=++")
        body = response.content.decode()
        assert response.status_code == 200
        assert "browse by competency" in body
        assert 'href="/competencies/data-analysis/"' in body
        assert "10 questions" in body

    def test_no_results_gives_suggestions_and_a_way_to_clear_filters(
        self, seed_bank, recruiter_client
    ):
        body = recruiter_client.get("/search/?q=zeppelin&competency=strategy").content.decode()
        assert "No questions found" in body
        assert "Check the spelling" in body
        assert re.search(r'href="/search/\?q=zeppelin"[^>]*>Search again without filters', body)

    def test_a_typo_says_did_you_mean(self, seed_bank, recruiter_client):
        body = recruiter_client.get("/search/?q=invetory").content.decode()
        assert 'Did you mean <a href="/search/?q=inventory"' in body
        assert "<mark>inventory</mark>" in body

    def test_a_relaxed_search_says_the_results_are_partial(self, seed_bank, recruiter_client):
        body = recruiter_client.get("/search/?q=what+to+ask+about+an+angry+shopper").content
        assert "No question has all of your words" in body.decode()

    def test_question_text_is_shown_as_text(self, strategy, recruiter_client):
        Question.objects.create(
            text='Would <script>alert("x")</script> pricing <b>work</b>?',
            guidance="<img src=x onerror=alert(1)> pricing guidance",
            competency=strategy,
        )
        body = recruiter_client.get("/search/?q=pricing").content.decode()
        assert "<script>alert" not in body
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; <mark>pricing</mark>" in body
        assert "<img src=x" not in body
        assert "&lt;img src=x onerror=alert(1)&gt; <mark>pricing</mark>" in body


class TestFiltersFacetsAndPaging:
    def test_facets_link_to_the_query_with_that_filter(self, seed_bank, recruiter_client):
        body = recruiter_client.get("/search/?q=conflict").content.decode()
        assert 'href="/search/?q=conflict&amp;competency=leadership"' in body
        assert 'href="/search/?q=conflict&amp;type=behavioural"' in body

    def test_filters_combine_with_the_query(self, seed_bank, recruiter_client):
        response = recruiter_client.get(
            "/search/?q=team&competency=customer-service&type=situational"
        )
        assert [q.slug for q in response.context["result"].questions] == [
            "what-strategies-would-you-use-to-manage-and-improve-a"
        ]
        body = response.content.decode()
        assert "Competency: Customer service" in body
        assert 'href="/search/?q=team&amp;type=situational"' in body  # remove one filter
        assert re.search(r'href="/search/\?q=team"[^>]*>Clear filters', body)

    def test_the_filters_belong_to_the_header_form(self, seed_bank, recruiter_client):
        body = recruiter_client.get("/search/?q=team&level=mid").content.decode()
        for name in ["competency", "role", "type", "level"]:
            assert re.search(rf'<select name="{name}"[^>]*form="site-search"', body)
        assert '<option value="mid" selected>' in body
        assert '<button type="submit" form="site-search">Apply filters</button>' in body

    def test_pagination_keeps_the_query_and_filters(self, strategy, recruiter_client):
        make_questions(strategy, 45)
        first = recruiter_client.get("/search/?q=forecasting&competency=strategy")
        body = first.content.decode()
        assert "45 questions" in body
        assert 'href="/search/?q=forecasting&amp;competency=strategy&amp;page=2"' in body
        second = recruiter_client.get("/search/?q=forecasting&competency=strategy&page=2")
        third = recruiter_client.get("/search/?q=forecasting&competency=strategy&page=3")
        pages = [response.context["result"].questions for response in (first, second, third)]
        assert [len(page) for page in pages] == [20, 20, 5]
        assert len({q.slug for page in pages for q in page}) == 45
        assert "Page 3 of 3" in third.content.decode()

    @pytest.mark.parametrize("page", ["abc", "0", "-3", "1.5", "", "99999999999999999999"])
    def test_a_bad_page_number_gives_a_page(self, seed_bank, recruiter_client, page):
        response = recruiter_client.get(f"/search/?q=inventory&page={page}")
        assert response.status_code == 200

    def test_a_page_past_the_end_says_so(self, seed_bank, recruiter_client):
        body = recruiter_client.get("/search/?q=inventory&page=4").content.decode()
        assert "There are no more results" in body

    def test_query_count_does_not_grow_with_the_bank_or_the_page(
        self, strategy, recruiter_client, django_assert_max_num_queries
    ):
        make_questions(strategy, 5)
        recruiter_client.get("/search/?q=forecasting")  # warm the session and permissions
        cache.clear()  # but measure the search itself, not the cached result
        with django_assert_max_num_queries(20) as small:
            recruiter_client.get("/search/?q=forecasting")
        make_questions(strategy, 80, word="forecasting-more")
        with django_assert_max_num_queries(len(small.captured_queries)):
            recruiter_client.get("/search/?q=forecasting&competency=strategy&page=2")


class TestBadInput:
    @pytest.mark.parametrize(
        "query_string",
        [
            "q=%22",
            "q=%26+%7C+%21+%3A+%2A+%28+%29+%5C",
            "q=%F0%9F%98%80",
            "q=" + "x" * 10_000,
            "q=pear%20" * 3,
            "q=%ff%fe",
            "q=inventory&type=nonsense",
            "q=inventory&competency=nonsense",
            "q=inventory&role=nonsense&level=nonsense",
            "competency=strategy",
            "q[]=x",
        ],
    )
    def test_any_input_gives_a_page_or_a_400_with_a_message(
        self, seed_bank, recruiter_client, query_string
    ):
        response = recruiter_client.get(f"/search/?{query_string}")
        assert response.status_code in (200, 400)
        assert "Search the bank" in response.content.decode()

    def test_a_nul_byte_is_refused_with_a_message(self, seed_bank, recruiter_client):
        response = recruiter_client.get("/search/?q=pear%00quince")
        assert response.status_code == 400
        assert "Null characters are not allowed" in response.content.decode()

    def test_an_unknown_filter_is_named_and_the_rest_still_works(self, seed_bank, recruiter_client):
        response = recruiter_client.get("/search/?q=inventory&type=nonsense")
        assert response.status_code == 400
        body = response.content.decode()
        assert "Select a valid choice" in body
        assert "<mark>inventory</mark>" in body

    def test_a_long_query_is_cut_with_a_notice(self, seed_bank, recruiter_client):
        body = recruiter_client.get("/search/?q=" + "inventory+" * 100).content.decode()
        assert "Your search was cut to its first 200 characters." in body

    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(query=st.text(max_size=120))
    def test_arbitrary_text_never_gives_a_server_error(self, seed_bank, recruiter_client, query):
        response = recruiter_client.get("/search/", {"q": query})
        assert response.status_code in (200, 400)


class TestAccess:
    def test_anonymous_visitors_are_sent_to_sign_in(self, seed_bank, client):
        response = client.get("/search/?q=inventory")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")

    def test_accounts_without_a_group_are_refused(self, seed_bank, client, outsider):
        client.force_login(outsider)
        assert client.get("/search/?q=inventory").status_code == 403

    @override_settings(PUBLIC_BROWSING=True)
    def test_public_browsing_opens_search_to_everyone(self, seed_bank, client):
        assert client.get("/search/?q=inventory").status_code == 200

    def test_only_get_is_allowed(self, seed_bank, recruiter_client):
        assert recruiter_client.post("/search/", {"q": "inventory"}).status_code == 405
