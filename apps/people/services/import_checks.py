"""Checks the unit and employee imports share: codes, lengths, and loops in a parent map."""

from .csv_parsing import error


def check_length(errors: list, row: int, column: str, value: str, limit: int) -> bool:
    if len(value) > limit:
        errors.append(error(row, column, f"At most {limit} characters (this has {len(value)})."))
        return False
    return True


def unknown_code_message(what: str, code: str, known_codes) -> str:
    """'Unknown unit code “hr”', with a hint when only the letter case differs."""
    lowered = code.lower()
    near = next((known for known in known_codes if known.lower() == lowered), None)
    hint = f" Did you mean “{near}”? Codes are case-sensitive." if near else ""
    return f"Unknown {what} “{code}”.{hint}"


def find_loops(parent_of: dict[str, str | None]) -> tuple[dict[str, list[str]], dict[str, int | None]]:
    """Loops and depths in a child → parent map (units by code, people by staff number).

    Returns (loop_of, depth): `loop_of[key]` is the loop a key sits on, in order; `depth[key]`
    is 0 for a root, None when the key sits on or under a loop. Linear time: each key is
    walked once, so 20,000 rows with deep lines stay fast.
    """
    depth: dict[str, int | None] = {}
    loop_of: dict[str, list[str]] = {}
    for start in parent_of:
        trail: list[str] = []
        position: dict[str, int] = {}
        current = start
        while current is not None and current not in depth and current not in position:
            position[current] = len(trail)
            trail.append(current)
            current = parent_of.get(current)
        if current is None:
            base = -1
        elif current in position:  # walked back onto the trail: a loop
            loop = trail[position[current] :]
            for key in loop:
                loop_of[key] = loop
                depth[key] = None
            trail = trail[: position[current]]
            base = None
        else:
            base = depth[current]
        for key in reversed(trail):
            if base is not None:
                base += 1
            depth[key] = base
    return loop_of, depth


def loop_text(loop: list[str]) -> str:
    return " → ".join([*loop, loop[0]])


def parse_yes_no(value: str) -> bool | None:
    """yes/no as spreadsheets write it; None when it is neither."""
    lowered = value.strip().lower()
    if lowered in ("", "no", "n", "false", "0"):
        return False
    if lowered in ("yes", "y", "true", "1"):
        return True
    return None
