"""level_cells (committees/templatetags/moderation.py): a distribution row drawn in Python, the
same markup as the template include it replaced, escaping included."""

import re
from decimal import Decimal

import pytest
from django.template import Context, Template

from apps.committees.selectors_moderation import DistributionRow, LevelCell
from apps.committees.templatetags.moderation import level_cells

# The include the tag replaced (_level_cells.html).
INCLUDE = (
    '<td><div class="progress progress--stacked" aria-hidden="true">{% for cell in row.cells %}{% if cell.count %}'
    '<span class="progress__bar level--{{ cell.index }}" style="width: {{ cell.percent|stringformat:\'.1f\' }}%" '
    "title=\"{{ cell.label|default:'No level' }}: {{ cell.count }}\"></span>{% endif %}{% endfor %}</div>\n"
    '  {% if compact %}<span class="visually-hidden">{% for cell in row.cells %}{% if cell.count %}'
    'Level {{ cell.label|default:"none" }}: {{ cell.count }}{% if not forloop.last %}, {% endif %}{% endif %}'
    "{% endfor %}</span>{% endif %}</td>\n"
    "{% if not compact %}{% for cell in row.cells %}{% if cell.label or has_unrated %}"
    '<td class="num">{{ cell.count }}</td>{% endif %}{% endfor %}{% endif %}\n'
    '<td class="num">{{ row.total }}</td>\n'
)


def _normalised(html: str) -> str:
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


def _row() -> DistributionRow:
    cells = [
        LevelCell("A<b>", 3, Decimal("60.0"), index=0),
        LevelCell("B & C", 0, Decimal("0"), index=1),
        LevelCell("", 2, Decimal("40.0"), index=2),  # no level
    ]
    return DistributionRow(key="k", name="Sales", total=5, cells=cells)


@pytest.mark.parametrize("compact, has_unrated", [(False, True), (False, False), (True, False)])
def test_the_tag_draws_what_the_include_drew(compact, has_unrated):
    row = _row()
    expected = Template(INCLUDE).render(Context({"row": row, "compact": compact, "has_unrated": has_unrated}))
    drawn = str(level_cells(row, compact=compact, has_unrated=has_unrated))
    assert _normalised(drawn) == _normalised(expected)
    assert "<b>" not in drawn and "A&lt;b&gt;" in drawn
