"""make bench picks a database of its own and never recreates one that is not a benchmark's."""

import pytest

from apps.benchmark import launcher


def test_the_bench_database_is_named_apart_from_the_dev_one(monkeypatch):
    monkeypatch.delenv("BENCH_DATABASE_URL", raising=False)
    monkeypatch.delenv("BENCH_DB_NAME", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@db.example:5433/pmsys")
    assert launcher.database_url([]) == "postgres://postgres@db.example:5433/pmsys_bench"
    monkeypatch.setenv("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mine_bench")
    assert launcher.database_url([]) == "postgres://postgres@127.0.0.1:5432/mine_bench"


def test_redis_gets_a_database_of_its_own(monkeypatch):
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.delenv("BENCH_REDIS_DB", raising=False)
    assert launcher.redis_url([]) == "redis://127.0.0.1:6379/15"


def test_a_database_whose_name_lacks_bench_is_never_dropped():
    with pytest.raises(SystemExit, match="refusing"):
        launcher.recreate("postgres://postgres@127.0.0.1:5432/pmsys")
