"""Pages of wide rows without sorting wide rows.

A list ordered by joined columns (a unit's path, a person's name) makes PostgreSQL join and sort
every matching row with all its selected columns before it keeps a page of them: at 10,000
appraisals that sort of ~600-byte rows is most of the page's SQL time. Sorting the keys alone,
then fetching the page's rows by primary key, costs one more query and a fraction of the time.
"""

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet


def keyset_page(queryset: QuerySet, per_page: int, number) -> Page:
    """The `number`th page of `queryset` (any order, any select_related), its rows fetched by
    primary key after the page's keys were chosen in the queryset's order."""
    page = Paginator(queryset.values_list("pk", flat=True), per_page).get_page(number)
    keys = list(page.object_list)
    rows = {row.pk: row for row in queryset.order_by().filter(pk__in=keys)} if keys else {}
    page.object_list = [rows[key] for key in keys if key in rows]
    return detached(page)


def detached(page: Page) -> Page:
    """`page` with its rows and its paginator's count and page count, but not the paginator's
    source list: a cached page then pickles small, and never runs a source queryset again."""
    page.paginator.num_pages  # noqa: B018 (computed now and kept on the paginator, with the count)
    page.paginator.object_list = ()
    return page
