"""What the appraisal cycles do when the people app hands a departing person's duties over."""

from django.dispatch import receiver

from apps.people.signals import employee_handed_over

from .services.officers import officers_hand_over


@receiver(employee_handed_over, dispatch_uid="cycles.officers_hand_over")
def hand_over_open_appraisals(sender, *, departing, successor, actor, membership, **kwargs) -> str:
    return officers_hand_over(actor=actor, membership=membership, departing=departing, successor=successor)
