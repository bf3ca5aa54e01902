"""{% cached_fragment %}: a part of a page kept as HTML until the data it shows is written.

    {% load fragments %}
    {% cached_fragment "cycle-overview" cycle.pk domains=figures.domains max_age=figures.max_age %}
      … the tables …
    {% endcached_fragment %}

For parts the same for everyone who may open the page (HR's figures, a panel's distribution),
whose data a view already reads through generations.cached: rendering their tables was most of
those pages' time once the data itself came from the cache. The positional arguments name what
else the part depends on (as `parts` of generations.cached); the key also holds the template's
own text, so a changed template never serves the old HTML. `domains` (a sequence, or names
separated by spaces) and `max_age` are best the selector's own, passed by the view, so the HTML
can never outlive the data it was drawn from. A part holding a CSRF token (a form)
belongs to one person's session and is refused. A part named None is drawn, not kept: a view
says so when it cannot name everything the part depends on (a query string it does not know).
"""

import hashlib

from django import template
from django.template.base import token_kwargs

from apps.tenancy import generations

register = template.Library()


class CachedFragmentNode(template.Node):
    def __init__(self, nodelist, name, parts, options, source_hash):
        self.nodelist, self.name, self.parts, self.options = nodelist, name, parts, options
        self.source_hash = source_hash

    def render(self, context):
        domains = self.options["domains"].resolve(context)
        domains = tuple(domains.split() if isinstance(domains, str) else domains)
        max_age = self.options.get("max_age")
        # A name the context lacks is None too (not ""): a misspelt part draws every time rather
        # than keep one person's part for everyone.
        parts = [part.resolve(context, ignore_failures=True) for part in self.parts]
        if any(part is None for part in parts):
            return self.nodelist.render(context)

        def compute() -> str:
            html = self.nodelist.render(context)
            if "csrfmiddlewaretoken" in html:
                raise template.TemplateSyntaxError("cached_fragment: a part with a form's CSRF token is one session's")
            return html

        return generations.cached(
            f"fragment:{self.name.resolve(context)}",
            (self.source_hash, *parts),
            domains,
            compute,
            max_age=int(max_age.resolve(context)) if max_age is not None else None,
        )


@register.tag
def cached_fragment(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("cached_fragment takes a name, its parts and domains=…")
    name, rest = parser.compile_filter(bits[1]), bits[2:]
    positional = [bit for bit in rest if "=" not in bit]
    options = token_kwargs([bit for bit in rest if "=" in bit], parser)
    if "domains" not in options or set(options) - {"domains", "max_age"}:
        raise template.TemplateSyntaxError("cached_fragment takes domains=… and optionally max_age=…")
    nodelist = parser.parse(("endcached_fragment",))
    parser.delete_first_token()
    source = parser.origin.loader.get_contents(parser.origin) if parser.origin and parser.origin.loader else ""
    source_hash = hashlib.sha1(source.encode(), usedforsecurity=False).hexdigest()[:10]
    return CachedFragmentNode(nodelist, name, [parser.compile_filter(bit) for bit in positional], options, source_hash)
