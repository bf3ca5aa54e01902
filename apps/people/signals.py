"""Signals the people app sends for the apps built on it.

`employee_handed_over` is sent inside the deactivation's transaction when HR hands a departing
person's responsibilities to a successor: the people app moves their reports, units and officer
overrides itself; apps that know of other duties (the appraisal cycles: open appraisals the
person appraises or countersigns) move theirs in a receiver and return a line for the record.
People cannot import those apps (they are built on people), hence a signal rather than a call.

Arguments: departing, successor (Employee), actor (User), membership (the actor's Membership).
A receiver returns a short summary ("5 open appraisals") or "" and raises to refuse the whole
deactivation.
"""

from django.dispatch import Signal

employee_handed_over = Signal()
