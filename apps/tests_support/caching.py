"""The read caches in tests (apps/tenancy/generations.py)."""

from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache


def forget_cached_reads() -> None:
    """Drop this test run's cached values and generations, so the next request reads from the
    database: query-count tests compare what a page costs when it reads its data, at two sizes.
    Only the run's own keys go (its prefix is its own, settings/test.py); the generations restart
    at random numbers, which is what they do after an eviction."""
    assert isinstance(cache, RedisCache) or hasattr(cache, "_cache")
    client = cache._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"{cache.key_prefix}:*", count=1000))
    if keys:
        client.delete(*keys)
