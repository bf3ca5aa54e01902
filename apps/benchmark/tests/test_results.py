"""The result format the command writes (bench/results.json) and its table."""

import json

import pytest

from apps.benchmark.results import Results, validate


def test_written_results_carry_the_machine_and_every_figure_with_unit_and_size(db, tmp_path):
    results = Results(conditions={"requests": 50})
    results.add("page.dashboard.median", 12.3456, "ms", "10,000 employees")
    results.add("launch.statements", 21, "statements", "10,000 appraisees")
    path = tmp_path / "bench" / "results.json"
    results.write(path)
    data = json.loads(path.read_text())
    assert data["schema"] == 1
    assert {"cpu_count", "cpu_model", "ram_gb", "python", "django", "postgresql"} <= set(data["machine"])
    assert data["machine"]["postgresql"]
    assert data["figures"][0] == {
        "name": "page.dashboard.median",
        "value": 12.35,
        "unit": "ms",
        "size": "10,000 employees",
    }
    assert data["conditions"] == {"requests": 50}
    table = results.table()
    assert "page.dashboard.median" in table and "12.3" in table and "10,000 appraisees" in table


@pytest.mark.parametrize(
    "figures",
    [
        [],
        [{"name": "x", "value": 1, "unit": "ms"}],
        [{"name": "x", "value": "fast", "unit": "ms", "size": "1"}],
        [{"name": "x", "value": 1, "unit": "", "size": "1"}],
    ],
)
def test_a_malformed_result_is_refused(figures):
    data = {
        "schema": 1,
        "machine": dict.fromkeys(
            ["cpu_count", "cpu_model", "ram_gb", "python", "django", "postgresql", "platform"], "x"
        ),
        "figures": figures,
    }
    with pytest.raises(ValueError):
        validate(data)
