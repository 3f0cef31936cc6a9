# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One HTTP transport for Graph, Partner Center, Exchange and the token endpoint.

It owns TLS trust, the retry loop and the rules that keep a non-idempotent write from being sent
twice. Service clients decide what a final answer means; this file decides whether to try again.
"""

import base64
import json
import re
import threading
import time
import uuid

from ..errors import AuthError, InvalidInputError, OutcomeUnknownError, TransportError
from .session import HAS_REQUESTS, HttpSession, NotSent, SentUnanswered, TlsFailed
from .retry import RETRYABLE_STATUS, RetryPolicy, parse_retry_after


def claims_challenge(response):
    """The claims a 401 asks for (``WWW-Authenticate: Bearer … error="insufficient_claims", claims="<base64>"``,
    Continuous Access Evaluation), as JSON text; None when the 401 is no claims challenge."""
    header = response.headers.get("WWW-Authenticate") or ""
    match = re.search(r'claims="([^"]+)"', header)
    if not match or "insufficient_claims" not in header:
        return None
    value = match.group(1).strip()
    try:
        return base64.b64decode(value + "=" * (-len(value) % 4)).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return value if value.startswith("{") else None


class Transport:
    """Sends requests with retries. ``stats`` counts attempts, retries and waits for reporting."""

    def __init__(self, ca_path=None, validate_certs=True, timeout=60, retry_policy=None, sleep=time.sleep):
        self.ca_path = ca_path
        self.policy = retry_policy or RetryPolicy()
        self.sleep = sleep
        self.stats = {"requests": 0, "retries": 0, "waited_seconds": 0.0, "token_refreshes": 0}
        self._stats_lock = threading.Lock()
        # Throttle windows per service and tenant (URL minus its last segment): when one thread is told to wait
        # (429 + Retry-After), the others wait too instead of spending their retries inside the window.
        self._gates = {}
        self._gate_lock = threading.Lock()
        self._http_options = (ca_path, validate_certs, timeout)
        self._http = None

    @property
    def http(self):
        """The run's requests session, built on first use and shared by its threads."""
        if self._http is None:
            if not HAS_REQUESTS:
                raise InvalidInputError("HTTP calls need the Python library requests on the host that runs the module "
                                        "(pip install requests).")
            with self._stats_lock:
                if self._http is None:
                    self._http = HttpSession(*self._http_options)
        return self._http

    def close(self):
        """Close the session's pooled connections; a later request opens a new session."""
        with self._stats_lock:
            http, self._http = self._http, None
        if http is not None:
            http.close()

    def count(self, name, amount=1):
        with self._stats_lock:
            self.stats[name] += amount

    def send_once(self, method, url, headers=None, body=None, data=None, follow_redirects=True):
        """One attempt without retries; raises NotSent, TlsFailed or SentUnanswered (``session.py``), or
        TransportError for a redirect that is not followed.

        ``body`` is sent as JSON, ``data`` (a dict or a string) form-encoded (the token requests)."""
        self.count("requests")
        headers = dict(headers or {})
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers.setdefault("Content-Type", "application/json")
        return self.http.send(method, url, headers=headers, data=data, follow_redirects=follow_redirects)

    def request(self, method, url, headers=None, body=None, data=None, auth=None, idempotent=True,
                is_transient=None, is_throttled=None, is_final=None, follow_redirects=True, what="the request"):
        """Send with retries and return the final HttpResponse (which may be an error the caller interprets).

        ``auth(force_refresh, claims)`` returns a bearer token; on a 401 it is called once more with
        ``force_refresh`` True, or, when the 401 is a claims challenge, once with the claims asked for.
        ``is_transient(response)`` flags service-specific transient errors beyond 429/503/504, and
        ``is_throttled(response)`` service-specific throttling beyond 429 (a request that was not executed, so even
        a non-idempotent one is resent), and ``is_final(response)`` an answer no fresh token can change (a 401 that
        names what the user must do): this layer knows no service. ``follow_redirects`` False (token requests)
        follows no redirect at all; otherwise only those that carry nothing to another origin (``session.py``).
        Non-idempotent requests are resent only when they provably were not executed (connect failure,
        429); otherwise an ambiguous failure raises OutcomeUnknownError.
        """
        # One dict per logical call, so every header in it (the caller's per-request ids too) is kept across retries.
        headers = dict(headers or {})
        # One id per logical call, kept across retries, so the service's logs correlate them.
        headers["client-request-id"] = str(uuid.uuid4())
        failures = throttles = 0
        waited = 0.0
        refreshed = force_refresh = maybe_applied = False
        claims = answered_claims = None
        what = what[0].upper() + what[1:]
        while True:
            if auth is not None:
                headers["Authorization"] = "Bearer %s" % (auth(True, claims) if claims else auth(force_refresh))
                force_refresh, claims = False, None
            retry_after = None
            was_throttled = False
            self._await_gate(url)
            try:
                response = self.send_once(method, url, headers, body, data, follow_redirects)
            except TlsFailed as exc:
                raise TransportError("TLS verification failed for %s: %s, so %s was not sent; check that ca_path "
                                     "(%s) holds the CA that signed the service's (or the proxy's) certificate, and "
                                     "keep validate_certs: false for throw-away tests."
                                     % (_host(url), _tls_reason(exc), what[0].lower() + what[1:],
                                        self.ca_path or "not set"))
            except (NotSent, SentUnanswered) as exc:
                if isinstance(exc, SentUnanswered):
                    if not idempotent:
                        raise _outcome_unknown(what, "the connection failed after it was sent (%s)" % _first_line(exc))
                    maybe_applied = True
                last = "connection error: %s" % _first_line(exc)
            else:
                status = response.status
                challenge = claims_challenge(response) if status == 401 and auth is not None else None
                if challenge and answered_claims:
                    raise AuthError("%s was refused with a claims challenge (Continuous Access Evaluation: %s) even "
                                    "with a token carrying the claims it asked for; the partner user must satisfy "
                                    "the tenant's Conditional Access (for example sign in again with MFA and store "
                                    "the new refresh_token), or ask the customer to exclude the partner app."
                                    % (what, challenge[:200]), www_authenticate=challenge[:500])
                if challenge:
                    # The resource wants a token with these claims (revoked session, new location, step-up): msal
                    # asks for exactly that, once.
                    answered_claims = claims = challenge
                    self.count("token_refreshes")
                    continue
                if status == 401 and is_final is not None and is_final(response):
                    response.maybe_applied_before = maybe_applied
                    return response
                if status == 401 and auth is not None and not refreshed:
                    # Tokens can be revoked or expire mid-run: one fresh token, then the answer stands.
                    refreshed = force_refresh = True
                    self.count("token_refreshes")
                    continue
                throttled = status == 429 or (is_throttled is not None and status >= 400 and is_throttled(response))
                transient = status in RETRYABLE_STATUS or _non_json_5xx(response) or (
                    is_transient is not None and status >= 400 and is_transient(response))
                if not (throttled or transient):
                    response.maybe_applied_before = maybe_applied
                    return response
                if not throttled:
                    if not idempotent:
                        raise _outcome_unknown(what, "the service answered HTTP %s after receiving it" % status)
                    maybe_applied = True
                retry_after = parse_retry_after(response.headers.get("Retry-After"))
                was_throttled = throttled
                last = "HTTP %s" % status
            # A 429 is the service pacing us, not failing: three of them weigh as one failure against max_retries
            # (the total wait still bounds them), so a busy tenant's throttling does not use up the retry budget.
            if was_throttled:
                throttles += 1
            else:
                failures += 1
            wait = self.policy.next_wait(max(1, failures + throttles // 3), waited, retry_after)
            if wait is None:
                attempts = failures + throttles
                error = TransportError("%s failed after %d attempts and %.1f s of waiting (last: %s); the service "
                                       "is throttling or unavailable, try again later or raise max_retries."
                                       % (what, attempts, waited, last),
                                       attempts=attempts)
                # An attempt that went unanswered may have been applied: a journal must not call the write failed.
                error.maybe_applied = maybe_applied
                raise error
            if retry_after is not None:
                self.hold(url, wait)
            self.count("retries")
            self.count("waited_seconds", wait)
            waited += wait
            self.sleep(wait)

    def hold(self, url, seconds, caller_sleeps=True):
        """Open a throttle window for this service and tenant: the other threads of this run wait it out. The
        calling thread is spared only when it sleeps the window out itself (``caller_sleeps``, as the retry loop
        does); otherwise its next request waits like the others'."""
        key = url.split("?")[0].rsplit("/", 1)[0]
        with self._gate_lock:
            until = max(self._gates.get(key, (0.0, None))[0], time.monotonic() + seconds)
            self._gates[key] = (until, threading.get_ident() if caller_sleeps else None)

    def _await_gate(self, url):
        """Sleep while a throttle window for this service and tenant is open, unless this thread opened it and
        sleeps it out itself."""
        key = url.split("?")[0].rsplit("/", 1)[0]
        with self._gate_lock:
            until, owner = self._gates.get(key, (0.0, None))
        delay = until - time.monotonic()
        if owner != threading.get_ident() and delay > 0:
            self.count("waited_seconds", delay)
            self.sleep(delay)


def _outcome_unknown(what, reason):
    exc = OutcomeUnknownError("%s may or may not have been applied: %s; check whether it took effect before running "
                              "it again." % (what, reason))
    exc.reason = reason
    return exc


def _tls_reason(exc):
    match = re.search(r"certificate verify failed: ([^()'\"]+)", str(exc))
    return "certificate verify failed: %s" % match.group(1).strip() if match else _first_line(exc)


def _non_json_5xx(response):
    return response.status >= 500 and response.json() is None


def _host(url):
    return url.split("/")[2] if url.count("/") >= 2 else url


def _first_line(exc):
    text = str(exc) or exc.__class__.__name__
    return text.splitlines()[0][:300]
