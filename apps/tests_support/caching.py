"""The read caches in tests (apps/tenancy/generations.py)."""

from apps.tenancy.generations import forget_all


def forget_cached_reads() -> None:
    """Make this test run's cached values unreachable, so the next request reads from the
    database: query-count tests compare what a page costs when it reads its data, at two sizes.
    Only the run's own keys (its prefix is its own, settings/test.py)."""
    forget_all()
