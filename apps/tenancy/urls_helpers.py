"""org_reverse: reverse() for the pages of an organisation, at the cost of a string join.

A page links to dozens of objects (a team's appraisals, a unit's goals), and Django's reverse()
matches the pattern, converts and checks each value on every call: ~70 µs a link, a tenth of
some pages' time. A link's shape depends only on the view and its arguments' names and types,
so each shape is reversed once with stand-in values, and later links put their own values where
the stand-ins were. Only values whose text is the same before and after reverse() would convert,
check and quote them take that way (UUIDs, integers, slug-like strings); anything else, and any
shape whose stand-ins cannot be told apart in the URL, is reversed by Django as before.
"""

import re
import uuid
from functools import lru_cache

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

# Text reverse() would leave as it is: what a slug, a UUID or an integer looks like in a URL.
_PLAIN = re.compile(r"[-A-Za-z0-9_]+\Z")


def _stand_in(kind: type, n: int):
    if kind is uuid.UUID:
        return uuid.UUID(int=0x5E171E1_0000_4000_8000_000000000000 + n)
    if kind is int:
        return 917_364_000 + n
    return f"zqstandin{n}zq"


@lru_cache(maxsize=2048)
def _shape(viewname: str, arguments: tuple, prefix: str, urlconf) -> tuple | None:
    """The URL of `viewname` for arguments of these (name, type) pairs, as literal parts with the
    argument names between them; None when reverse() does not take the stand-ins."""
    stand_ins = {name: _stand_in(kind, n) for n, (name, kind) in enumerate(arguments)}
    try:
        url = reverse(viewname, kwargs=stand_ins, urlconf=urlconf)
    except NoReverseMatch:
        return None
    places = []
    for name, value in stand_ins.items():
        text = str(value)
        if url.count(text) != 1:
            return None
        places.append((url.index(text), len(text), name))
    parts, done = [], 0
    for start, length, name in sorted(places):
        parts += [url[done:start], name]
        done = start + length
    parts.append(url[done:])
    return tuple(parts)


def _is_plain(value) -> bool:
    kind = type(value)  # exactly: a bool is an int, and no page takes one
    if kind is str:
        return _PLAIN.match(value) is not None
    return kind is uuid.UUID or (kind is int and value >= 0)


def fast_reverse(viewname: str, kwargs: dict) -> str:
    """reverse(viewname, kwargs=kwargs), the same URL, from the view's cached shape."""
    if all(_is_plain(value) for value in kwargs.values()):
        arguments = tuple(sorted((name, type(value)) for name, value in kwargs.items()))
        urlconf = get_urlconf() or settings.ROOT_URLCONF
        shape = _shape(viewname, arguments, get_script_prefix(), urlconf)
        if shape is not None:
            # Literal parts at even places, argument names at odd ones.
            return "".join(part if i % 2 == 0 else str(kwargs[part]) for i, part in enumerate(shape))
    return reverse(viewname, kwargs=kwargs)


def org_reverse(viewname: str, organization, **kwargs) -> str:
    """reverse() for tenant pages: fills in the organisation's slug."""
    return fast_reverse(viewname, {"org_slug": organization.slug, **kwargs})
