"""Racing calls on real PostgreSQL connections, for the concurrency tests."""

import threading

from django.db import connection


def in_thread(target, *args) -> tuple[threading.Thread, dict]:
    """`target(*args)` started on a thread of its own, which opens its own database connection
    and closes it at the end; the outcome dict gets "result", or "error" when it raised."""
    outcome = {}

    def run():
        try:
            outcome["result"] = target(*args)
        except Exception as error:  # the test inspects it
            outcome["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome
