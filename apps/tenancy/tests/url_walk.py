"""Every named URL pattern of the project, with the names of its arguments, for tests
that must cover every view without being edited when a view is added."""

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Route:
    name: str  # namespaced, ready for reverse()
    kwargs: tuple[str, ...]
    converters: dict

    @property
    def object_kwargs(self) -> tuple[str, ...]:
        return tuple(k for k in self.kwargs if k.endswith("_id"))


def all_routes() -> list[Route]:
    routes: list[Route] = []

    def walk(patterns, namespace, converters):
        for entry in patterns:
            here = {**converters, **entry.pattern.converters}
            if isinstance(entry, URLResolver):
                ns = namespace
                if entry.namespace:
                    ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                walk(entry.url_patterns, ns, here)
            elif isinstance(entry, URLPattern) and entry.name:
                name = f"{namespace}:{entry.name}" if namespace else entry.name
                routes.append(Route(name=name, kwargs=tuple(here), converters=here))

    walk(get_resolver().url_patterns, "", {})
    return routes


def tenant_routes() -> list[Route]:
    return [r for r in all_routes() if "org_slug" in r.kwargs]
