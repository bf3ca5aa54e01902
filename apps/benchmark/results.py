"""The result format: the machine and versions, then each figure as {name, value, unit, size}.

bench/results.json is the latest run's output (ignored by git); bench/README.md explains it.
`validate` is what the tests hold the format to, so the command keeps writing what readers expect.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import sys
from dataclasses import dataclass, field
from pathlib import Path

import django
from django.db import connection

SCHEMA_VERSION = 1
FIGURE_KEYS = {"name", "value", "unit", "size"}
MACHINE_KEYS = {"cpu_count", "cpu_model", "ram_gb", "python", "django", "postgresql", "platform"}


def machine() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgresql = cursor.fetchone()[0]
    return {
        "cpu_count": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "ram_gb": _ram_gb(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "postgresql": postgresql,
        "platform": platform.platform(),
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _ram_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


@dataclass
class Results:
    conditions: dict = field(default_factory=dict)
    figures: list[dict] = field(default_factory=list)

    def add(self, name: str, value, unit: str, size: str, **extra) -> dict:
        figure = {"name": name, "value": _rounded(value), "unit": unit, "size": size, **extra}
        self.figures.append(figure)
        return figure

    def as_dict(self) -> dict:
        return {
            "schema": SCHEMA_VERSION,
            "measured_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "command": " ".join(sys.argv),
            "machine": machine(),
            "conditions": self.conditions,
            "figures": self.figures,
        }

    def write(self, path: Path) -> dict:
        data = self.as_dict()
        validate(data)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, indent=2, default=str) + "\n")
        return data

    def table(self) -> str:
        width = max((len(f["name"]) for f in self.figures), default=10)
        lines = [f"{'figure':<{width}}  {'value':>12}  {'unit':<14}  size", "-" * (width + 50)]
        for f in self.figures:
            lines.append(f"{f['name']:<{width}}  {_shown(f['value']):>12}  {f['unit']:<14}  {f['size']}")
        return "\n".join(lines)


def _rounded(value):
    if isinstance(value, float):
        return round(value, 4 if abs(value) < 1 else 2)
    return value


def _shown(value) -> str:
    if isinstance(value, float):
        return f"{value:,.3f}" if abs(value) < 10 else f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def validate(data: dict) -> None:
    """Raise ValueError when `data` is not in the result format."""
    problems = []
    if data.get("schema") != SCHEMA_VERSION:
        problems.append(f"schema is not {SCHEMA_VERSION}")
    missing = MACHINE_KEYS - set(data.get("machine", {}))
    if missing:
        problems.append(f"machine lacks {sorted(missing)}")
    figures = data.get("figures")
    if not isinstance(figures, list) or not figures:
        problems.append("no figures")
    for n, figure in enumerate(figures or []):
        lacking = FIGURE_KEYS - set(figure)
        if lacking:
            problems.append(f"figure {n} lacks {sorted(lacking)}")
        elif not isinstance(figure["value"], int | float) or isinstance(figure["value"], bool):
            problems.append(f"figure {figure['name']!r} is not a number")
        elif not figure["unit"] or not figure["size"]:
            problems.append(f"figure {figure['name']!r} has no unit or size")
    if problems:
        raise ValueError("; ".join(problems))
