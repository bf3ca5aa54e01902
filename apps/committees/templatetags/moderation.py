"""{% moderation_notes appraisal %}: the levels a moderation panel changed on an appraisal, with
the panel and its reason, for the appraisal's pages. Callers show it only where the person may
read the officer's level (the appraisee after release)."""

from django import template

from apps.committees.selectors_moderation import adjustments_of

register = template.Library()


@register.inclusion_tag("committees/moderation/_notes.html")
def moderation_notes(appraisal):
    return {"adjustments": list(adjustments_of(appraisal))}
