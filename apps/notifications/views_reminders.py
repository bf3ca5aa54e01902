"""HR's reminder pages of a cycle: its reminder rule with the organisation's quiet hours, and
its reminder log. Thin: parse the form, call services.reminder_rules, show its field errors."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from apps.common.forms import call_service
from apps.cycles.models import AppraisalState, Cycle
from apps.tenancy.permissions import require_hr_admin
from apps.tenancy.urls_helpers import org_reverse

from .forms_reminders import LogFilterForm, QuietHoursForm, ReminderRuleForm
from .models_reminders import ReminderRole
from .quiet_hours import WEEKDAYS, is_quiet, next_working_moment
from .selectors_reminders import log_counts, log_for, rule_for
from .services.reminder_rules import quiet_hours_save, reminder_rule_save

LOG_PAGE_SIZE = 50


def _rules_url(request, cycle):
    return org_reverse("reminders:rules", request.organization, cycle_id=cycle.public_id)


def _render_rules(request, cycle, *, form=None, quiet_form=None, status=200):
    organization = request.organization
    rule = rule_for(cycle)
    if form is None:
        form = ReminderRuleForm(initial={field: getattr(rule, field) for field in ReminderRuleForm.FIELDS})
    if quiet_form is None:
        quiet_form = QuietHoursForm(
            initial={
                "quiet_from": organization.quiet_from,
                "quiet_until": organization.quiet_until,
                "working_days": list(organization.working_days),
            }
        )
    now = timezone.now()
    days = dict(WEEKDAYS)
    context = {
        "cycle": cycle,
        "rule": rule,
        "form": form,
        "quiet_form": quiet_form,
        "quiet_now": is_quiet(organization, now),
        "next_moment": next_working_moment(organization, now),
        "working_days": [days[d] for d in organization.working_days if d in days],
        "counts": log_counts(cycle),
    }
    return render(request, "notifications/reminders/rules.html", context, status=status)


def reminder_rules(request, cycle_id):
    require_hr_admin(request.membership)
    cycle = get_object_or_404(Cycle.objects, public_id=cycle_id)
    if request.method != "POST":
        return _render_rules(request, cycle)
    form = ReminderRuleForm(request.POST)
    if form.is_valid():
        done = call_service(
            form,
            reminder_rule_save,
            actor=request.user,
            membership=request.membership,
            cycle=cycle,
            **form.cleaned_data,
        )
        if done.ok:
            messages.success(request, "Reminder rules saved. They apply to reminders still to come.")
            return redirect(_rules_url(request, cycle))
    return _render_rules(request, cycle, form=form)


def reminder_quiet_hours(request, cycle_id):
    """The organisation's quiet hours, edited from a cycle's reminder page (the organisation
    has no settings page of its own yet); back to that page afterwards."""
    require_hr_admin(request.membership)
    cycle = get_object_or_404(Cycle.objects, public_id=cycle_id)
    if request.method != "POST":
        return redirect(_rules_url(request, cycle))
    quiet_form = QuietHoursForm(request.POST)
    if quiet_form.is_valid():
        done = call_service(
            quiet_form, quiet_hours_save, actor=request.user, membership=request.membership, **quiet_form.cleaned_data
        )
        if done.ok:
            messages.success(request, "Quiet hours saved for the whole organisation.")
            return redirect(_rules_url(request, cycle))
    return _render_rules(request, cycle, quiet_form=quiet_form)


def reminder_log(request, cycle_id):
    require_hr_admin(request.membership)
    cycle = get_object_or_404(Cycle.objects, public_id=cycle_id)
    filter_form = LogFilterForm(request.GET or None)
    kind = filter_form.cleaned_data["kind"] if filter_form.is_valid() else ""
    page_obj = Paginator(log_for(cycle, kind), LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    page_obj.object_list = list(page_obj.object_list)
    states, roles = dict(AppraisalState.choices), dict(ReminderRole.choices)
    for entry in page_obj.object_list:
        entry.waiting_on = f"{roles.get(entry.role, entry.role)} · {states.get(entry.action, entry.action)}"
    context = {
        "cycle": cycle,
        "filter_form": filter_form,
        "kind": kind,
        "page_obj": page_obj,
        "counts": log_counts(cycle),
    }
    return render(request, "notifications/reminders/log.html", context)
