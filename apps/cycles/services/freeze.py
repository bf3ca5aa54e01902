"""The frozen copy of a template and its scale that a launched cycle keeps.

Appraisals are rated and scored against this copy, never against the live configuration,
so editing a scale or template later cannot rewrite a past appraisal.
"""

from ..models import AppraisalTemplate


def template_snapshot(template: AppraisalTemplate) -> dict:
    """Everything an appraisal needs of its template, as plain JSON-ready data."""
    levels = list(template.scale.levels.all())
    sections = template.sections.prefetch_related("competencies__descriptors__level")
    return {
        "template": {
            "id": str(template.public_id),
            "name": template.name,
            "appraisee_sees_countersigning": template.appraisee_sees_countersigning,
        },
        "scale": {
            "id": str(template.scale.public_id),
            "name": template.scale.name,
            "levels": [
                {
                    "value": str(level.value),
                    "label": level.label,
                    "name": level.name,
                    "descriptor": level.descriptor,
                    "band_from": str(level.band_from),
                }
                for level in levels
            ],
        },
        "sections": [
            {
                "key": str(section.public_id),
                "kind": section.kind,
                "title": section.title,
                "guidance": section.guidance,
                "weight": str(section.weight),
                "appraisee_fills": section.appraisee_fills,
                "appraisee_self_rates": section.appraisee_self_rates,
                "officer_rates": section.officer_rates,
                "countersigning_sees": section.countersigning_sees,
                "targets_need_goal": section.targets_need_goal,
                "competencies": [
                    {
                        "key": str(competency.public_id),
                        "name": competency.name,
                        "description": competency.description,
                        "descriptors": {str(d.level.value): d.text for d in competency.descriptors.all()},
                    }
                    for competency in section.competencies.all()
                ],
            }
            for section in sections
        ],
    }
