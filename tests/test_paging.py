"""saas.paging: one way to cut a list into pages (pages people read, the journal, the API)."""

from __future__ import annotations

from saas import paging


def test_a_list_cut_into_pages():
    page = paging.of_list(list(range(120)), 2, 50)
    assert page.items == list(range(50, 100))
    assert (page.page, page.pages, page.total, page.per_page) == (2, 3, 120, 50)


def test_an_empty_list_is_one_empty_page():
    page = paging.of_list([], 1, 50)
    assert page.items == [] and page.pages == 1 and page.total == 0


def test_beyond_the_last_page_is_empty_unless_clamped():
    assert paging.of_list([1, 2, 3], 4, 2).items == []
    clamped = paging.of_list([1, 2, 3], 4, 2, clamp=True)
    assert clamped.page == 2 and clamped.items == [3]


def test_page_count():
    assert paging.page_count(0, 50) == 1
    assert paging.page_count(50, 50) == 1
    assert paging.page_count(51, 50) == 2
