from django.urls import reverse


def org_reverse(viewname: str, organization, **kwargs) -> str:
    """reverse() for tenant pages: fills in the organisation's slug."""
    return reverse(viewname, kwargs={"org_slug": organization.slug, **kwargs})
