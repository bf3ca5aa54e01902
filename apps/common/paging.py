"""Pages of wide rows without sorting wide rows.

A list ordered by joined columns (a unit's path, a person's name) makes PostgreSQL join and sort
every matching row with all its selected columns before it keeps a page of them: at 10,000
appraisals that sort of ~600-byte rows is most of the page's SQL time. Sorting the keys alone in
a subquery, then joining the page's rows to the keys it kept, sorts a page of wide rows only.
"""

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet


def keyset_page(queryset: QuerySet, per_page: int, number, *, count: int | None = None) -> Page:
    """The `number`th page of `queryset` (any order, any select_related): one query for the
    count, unless the caller knows it already (`count`, from an aggregate it ran anyway), and
    one for the page's rows, whose keys a subquery chooses in the queryset's order."""
    paginator = Paginator(queryset.values_list("pk", flat=True), per_page)
    if count is not None:
        paginator.count = count  # a cached_property: set, the paginator never counts
    page = paginator.get_page(number)
    # The page's keys stay a sliced queryset (ORDER BY … LIMIT … OFFSET): a subquery of the
    # rows' query, whose own ORDER BY then sorts only the page's rows into the same order.
    page.object_list = list(queryset.filter(pk__in=page.object_list)) if paginator.count else []
    return detached(page)


def detached(page: Page) -> Page:
    """`page` with its rows and its paginator's count and page count, but not the paginator's
    source list: a cached page then pickles small, and never runs a source queryset again."""
    page.paginator.num_pages  # noqa: B018 (computed now and kept on the paginator, with the count)
    page.paginator.object_list = ()
    return page
