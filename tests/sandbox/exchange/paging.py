"""Page cursors behind ``@odata.nextLink``: an opaque token bound to a result, an offset, the page-1
``X-AnchorMailbox`` and its creation time. Tokens are immutable, so replaying a nextLink (a client
retrying a lost response) serves the same page again."""
import secrets

from . import errors

_PURGE_ABOVE = 1000


class Cursors:
    def __init__(self):
        self._open = {}

    def open(self, result, offset, anchor, now, lifetime_s) -> str:
        if len(self._open) > _PURGE_ABOVE:
            self._open = {t: c for t, c in self._open.items() if now - c[3] <= lifetime_s}
        token = secrets.token_urlsafe(24)
        self._open[token] = (result, offset, anchor, now)
        return token

    def take(self, token, anchor, now, lifetime_s):
        """(result, offset) for a continuation; 400 "Expired or Invalid pagination request" when the token
        is unknown, older than the lifetime, or arrives with a different anchor."""
        cursor = self._open.get(token)
        if cursor is None or cursor[2] != anchor or now - cursor[3] > lifetime_s:
            raise errors.pagination_expired()
        return cursor[0], cursor[1]
