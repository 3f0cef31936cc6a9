# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Retry decisions any service shares: which statuses are transient and how long to wait.

Kept free of HTTP objects and of any one service's rules (Exchange's live in ``exchange/cmdlets.py``), so each
decision is unit-tested on plain values.
"""

import email.utils
import math
import random
import time


RETRYABLE_STATUS = frozenset([429, 503, 504])


def parse_retry_after(value, now=None):
    """Seconds to wait from a ``Retry-After`` header: integer, fractional seconds or an HTTP date.

    Returns None when absent or unparseable (the caller falls back to backoff), never a negative number.
    """
    if value is None:
        return None
    value = str(value).strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        parsed = email.utils.parsedate_tz(value)
        if parsed is None:
            return None
        seconds = email.utils.mktime_tz(parsed) - (time.time() if now is None else now)
    if math.isnan(seconds) or math.isinf(seconds):
        return None
    return max(0.0, seconds)


class RetryPolicy:
    """Jittered exponential backoff with a cap on attempts and on the total time spent waiting.

    ``max_retries`` counts retries after the first attempt. ``Retry-After`` is honoured exactly
    (plus a little jitter so that parallel workers do not return in lockstep).
    """

    def __init__(self, max_retries=10, base_delay=0.5, max_delay=16.0, max_total_wait=180.0, rng=None):
        self.max_retries = max(0, int(max_retries))
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.max_total_wait = max_total_wait
        self.rng = rng or random.Random()

    def delay(self, retry_number, retry_after=None):
        """Wait before retry ``retry_number`` (1-based)."""
        if retry_after is not None:
            return retry_after + self.rng.uniform(0, min(1.0, 0.1 * retry_after + 0.05))
        ceiling = min(self.max_delay, self.base_delay * (2 ** (retry_number - 1)))
        # "Equal jitter": never less than half the ceiling, so a failing service gets real breathing room.
        return ceiling / 2 + self.rng.uniform(0, ceiling / 2)

    def next_wait(self, retry_number, waited, retry_after=None):
        """Seconds to sleep before the next retry, or None when the attempt or wait budget is spent."""
        if retry_number > self.max_retries:
            return None
        wait = self.delay(retry_number, retry_after)
        if waited + wait > self.max_total_wait:
            return None
        return wait
