"""Collecting field errors so a form shows every problem at once, not one per submit."""

from django.core.exceptions import ValidationError


class FieldErrors:
    """Gather errors by field name, then raise them together as one ValidationError."""

    def __init__(self):
        self._errors: dict[str, list] = {}

    def add(self, field: str, message: str) -> None:
        self._errors.setdefault(field, []).append(message)

    def absorb(self, error: ValidationError, default_field: str = "__all__") -> None:
        """Take over the errors of a check that raised (a dict keyed by field, or plain)."""
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                self._errors.setdefault(field, []).extend(errors)
        else:
            self._errors.setdefault(default_field, []).extend(error.error_list)

    def has(self, field: str) -> bool:
        return field in self._errors

    def raise_if_any(self) -> None:
        if self._errors:
            raise ValidationError(self._errors)


def check_same_tenant(errors: FieldErrors, organization, **related) -> None:
    """Refuse related rows of another organisation. Scoped form querysets already prevent it;
    this keeps services safe when called from elsewhere (imports, shells, tasks)."""
    for field, obj in related.items():
        if obj is not None and obj.organization_id != organization.pk:
            errors.add(field, "Choose one from this organisation.")
