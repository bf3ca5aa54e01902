from django import template

from ..urls_helpers import org_reverse

register = template.Library()


@register.simple_tag(takes_context=True)
def org_url(context, viewname, **kwargs):
    """{% org_url "people:employee_detail" employee_id=e.public_id %} inside a tenant page."""
    return org_reverse(viewname, context["request"].organization, **kwargs)


@register.simple_tag(takes_context=True)
def querystring_replace(context, **kwargs):
    """The current query string with some parameters replaced (for pagination links)."""
    query = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    return "?" + query.urlencode() if query else "?"
