"""Login lockout with django-axes, counted per account and per address (see docs/security.md).

django-axes was chosen over DRF throttles alone: it sees every `authenticate()` with a request
(the admin login, any future login form), locks per username and per client address separately,
keeps the attempts in the database (visible and resettable in the admin, `manage.py axes_reset`),
and is maintained (Jazzband). Calls of `authenticate()` without a request (management commands,
the test client) cannot be attributed to an address and pass to the next backend.
"""

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
