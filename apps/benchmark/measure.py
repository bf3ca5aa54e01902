"""Timing and statement counting shared by every measurement."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field
from typing import Any

from django.db import connection


class StatementLog:
    """Counts the SQL statements sent through Django's connection, keeping their text when asked."""

    def __init__(self, keep: bool = False):
        self.count = 0
        self.keep = keep
        self.statements: list[tuple[str, Any, float]] = []

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        if not self.keep:
            return execute(sql, params, many, context)
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            if not many:
                self.statements.append((sql, params, time.perf_counter() - started))


@dataclass
class Measured:
    seconds: float
    statements: int
    result: Any = field(default=None, repr=False)


def measure(call) -> Measured:
    log = StatementLog()
    started = time.perf_counter()
    with connection.execute_wrapper(log):
        result = call()
    return Measured(time.perf_counter() - started, log.count, result)


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (share 0..1) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, round(share * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def summary_ms(seconds: list[float]) -> dict:
    ms = [s * 1000 for s in seconds]
    return {
        "median": statistics.median(ms),
        "p95": percentile(ms, 0.95),
        "p99": percentile(ms, 0.99),
        "max": max(ms),
    }
