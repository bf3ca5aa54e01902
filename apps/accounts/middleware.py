import time

from django.conf import settings

# Refresh the session at most this often: every request would mean a session write.
_TOUCH_INTERVAL_SECONDS = 60


class InactivityTimeoutMiddleware:
    """Slide the session expiry forward while the user is active.

    SESSION_COOKIE_AGE equals the inactivity timeout, so a session that is not touched
    for that long expires; touching it at most once a minute keeps writes cheap.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            last = request.session.get("_last_touch", 0)
            if now - last >= _TOUCH_INTERVAL_SECONDS:
                request.session["_last_touch"] = now
                request.session.set_expiry(settings.SESSION_INACTIVITY_TIMEOUT)
        return self.get_response(request)
