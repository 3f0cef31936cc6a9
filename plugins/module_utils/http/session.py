# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTTP over requests, and the one fact the retry loop needs: did the request leave?

One ``requests.Session`` per module run (keep-alive pools shared by its threads, proxies from the environment with
``NO_PROXY``, http:// and https:// proxies, content decoding). Three things are ours:
- TLS trust: an SSL context with the system's roots plus ``ca_path``, mounted on the adapter, so that
  ``REQUESTS_CA_BUNDLE`` / ``CURL_CA_BUNDLE`` can never replace the trust the options ask for;
- where a failure happened: urllib3's connections record their phase (connecting, writing, written) per thread,
  so a failure is sorted into ``NotSent`` (name resolution, refused, connect timeout, proxy refusal, a write that
  failed on a reused connection), ``TlsFailed`` (handshake or certificate) or ``SentUnanswered`` (the request was
  written: the service may have executed it). urllib3 retries nothing: the retry loop is the Transport's;
- redirects: requests would re-send a 307/308 request's body to any scheme and host the ``Location`` names (only the
  ``Authorization`` header is dropped), which sends a token request's client secret and refresh token, or a cmdlet's
  password, wherever a misbehaving endpoint or proxy points. A redirect is followed here only within the same scheme,
  host and port, as urllib3 (which sends the request) reads them; elsewhere only a request without body or
  credentials, and only to https. A ``Location`` with user information or a backslash (read differently by
  different URL parsers) and a redirect that would turn a request with a body into a GET are refused. Token requests
  follow none (the OAuth 2.0 Security Best Current Practice, RFC 9700 section 4.12, names the 307 form-data leak).
"""

import json
import os
import re
import ssl
import threading
import traceback

try:
    import requests
    import urllib3
    from requests.adapters import HTTPAdapter
    from requests.utils import get_environ_proxies
    from urllib3.poolmanager import pool_classes_by_scheme
    from urllib3.util import parse_url
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()
    HTTPAdapter = object
    pool_classes_by_scheme = {}

from urllib.parse import urljoin

from ..errors import InvalidInputError, TransportError


REDIRECT_STATUSES = frozenset([301, 302, 303, 307, 308])
MAX_REDIRECTS = 5
USER_AGENT = "csp.exchange/0.1 (Ansible collection)"


class NotSent(Exception):
    """The request never reached the service: safe to send again, whatever it does."""


class TlsFailed(NotSent):
    """The TLS handshake failed (an untrusted certificate, a wrong host name): nothing was sent."""


class SentUnanswered(Exception):
    """The connection failed after the request was written: the service may have executed it."""


class HttpResponse:
    """A fully read answer: status, case-insensitive headers, body bytes."""

    def __init__(self, status, headers, body, url=""):
        self.status = status
        self.headers = headers
        self.body = body
        self.url = url
        # True when an earlier attempt of this call may have been executed (lost answer, 5xx after sending):
        # a "nothing changed" answer may then only mean that the earlier attempt already applied the change.
        self.maybe_applied_before = False

    def json(self):
        """Decoded JSON body, or None when the body is empty or not JSON."""
        if not self.body or not self.body.strip(b"\x00 \r\n\t"):
            return None
        try:
            return json.loads(self.body.decode("utf-8"))
        except ValueError:
            return None

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")


def tls_context(ca_path=None, validate_certs=True):
    """Trust the system's roots plus an extra CA file (``ca_path``); one context, loaded once per run.

    A Python without a usable system store (python.org builds on macOS) falls back to certifi's roots."""
    if not validate_certs:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    context = ssl.create_default_context()
    if not context.cert_store_stats()["x509_ca"] and not os.path.isdir(ssl.get_default_verify_paths().capath or ""):
        try:
            import certifi   # pylint: disable=import-outside-toplevel
            context.load_verify_locations(cafile=certifi.where())
        except ImportError:
            pass
    if ca_path:
        context.load_verify_locations(cafile=ca_path)
    return context


# -- where a request stands: recorded by the connections, read when a failure is sorted ---------------------------

_PHASE = threading.local()


def _set_phase(value):
    _PHASE.value = value


def _phase():
    return getattr(_PHASE, "value", None)


class _PhaseMixin:
    """Records, for the calling thread, whether the request has been written completely."""

    def connect(self):
        _set_phase("connecting")
        super(_PhaseMixin, self).connect()

    def request(self, *args, **kwargs):   # pylint: disable=arguments-differ
        _set_phase("writing")
        try:
            super(_PhaseMixin, self).request(*args, **kwargs)
        except OSError:
            # urllib3 swallows EPIPE/ECONNRESET here to read an early answer; if none comes, nothing was executed.
            _set_phase("write failed")
            raise
        _set_phase("written")


def _tracked(pool_class):
    """urllib3's pool class for a scheme, whose connections record their phase."""
    connection = type("Tracked" + pool_class.ConnectionCls.__name__, (_PhaseMixin, pool_class.ConnectionCls), {})
    return type("Tracked" + pool_class.__name__, (pool_class,), {"ConnectionCls": connection})


_POOL_CLASSES = dict((scheme, _tracked(pool)) for scheme, pool in pool_classes_by_scheme.items())


class _Adapter(HTTPAdapter):
    """Our SSL context on every pool (direct and through proxies), connections that record their phase, and no
    retries in urllib3."""

    def __init__(self, context, verify, maxsize):
        self._context = context
        self._verify = verify
        super(_Adapter, self).__init__(pool_maxsize=maxsize, max_retries=0)

    def init_poolmanager(self, *args, **kwargs):
        kwargs["ssl_context"] = self._context
        super(_Adapter, self).init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOL_CLASSES

    def proxy_manager_for(self, proxy, **proxy_kwargs):
        fresh = proxy not in self.proxy_manager
        # The context verifies the service through the tunnel and an https:// proxy's own certificate.
        proxy_kwargs.setdefault("ssl_context", self._context)
        proxy_kwargs.setdefault("proxy_ssl_context", self._context)
        manager = super(_Adapter, self).proxy_manager_for(proxy, **proxy_kwargs)
        if fresh:
            manager.pool_classes_by_scheme = _POOL_CLASSES
        return manager

    def cert_verify(self, conn, url, verify, cert):
        """Trust is the context's: requests would otherwise load its own CA bundle into it per connection."""
        conn.cert_reqs = "CERT_REQUIRED" if self._verify and url.lower().startswith("https") else "CERT_NONE"
        conn.ca_certs = conn.ca_cert_dir = None


class HttpSession:
    """One requests.Session for a module run; ``send`` answers an HttpResponse or raises NotSent, TlsFailed or
    SentUnanswered."""

    def __init__(self, ca_path=None, validate_certs=True, timeout=60, maxsize=16):
        self.timeout = timeout
        self.session = requests.Session()
        # Environment variables must not touch trust (REQUESTS_CA_BUNDLE…); proxies are read per host below.
        self.session.trust_env = False
        self.session.verify = bool(validate_certs)
        self.session.headers["User-Agent"] = USER_AGENT
        adapter = _Adapter(tls_context(ca_path, validate_certs), validate_certs, maxsize)
        self.session.mount("https://", adapter)
        self.session.mount("http://", adapter)
        if not validate_certs:
            urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)   # the module warns once, loudly
        self._proxies = {}
        self._lock = threading.Lock()

    def close(self):
        self.session.close()

    def proxies(self, url):
        """The environment's proxies for this URL's host (HTTPS_PROXY, NO_PROXY with names, CIDRs…), as requests
        reads them; looked up once per host."""
        key = url.split("/", 3)[:3]
        key = "/".join(key)
        with self._lock:
            found = self._proxies.get(key)
        if found is None:
            found = get_environ_proxies(key + "/")
            with self._lock:
                self._proxies[key] = found
        return found

    def send(self, method, url, headers=None, data=None, follow_redirects=True):
        """Send once and read the whole answer, following the redirects that carry nothing elsewhere (see above);
        ``follow_redirects`` False follows none. A refused redirect raises TransportError naming both endpoints."""
        first = url
        for dummy in range(MAX_REDIRECTS + 1):
            response = self._send_one(method, url, headers, data)
            location = response.headers.get("Location") if response.status in REDIRECT_STATUSES else None
            if not location:
                return response
            target = urljoin(url, location)
            refusal = _redirect_refusal(url, target, headers, data, follow_redirects, response.status)
            if refusal:
                raise TransportError("%s answered HTTP %s with a redirect to %s; it was not followed, because %s. "
                                     "Check the endpoints option and any proxy in between."
                                     % (_origin(url), response.status, _origin(target), refusal),
                                     endpoint=_origin(url), redirect=_origin(target))
            url = target
        raise TransportError("%s redirected more than %d times; the request was given up."
                             % (_origin(first), MAX_REDIRECTS))

    def _send_one(self, method, url, headers, data):
        _set_phase(None)
        try:
            response = self.session.request(method, url, headers=headers, data=data, timeout=self.timeout,
                                            proxies=self.proxies(url), stream=True, allow_redirects=False)
        except (requests.exceptions.InvalidURL, requests.exceptions.InvalidSchema) as exc:
            # A configuration error (a malformed proxy or endpoint URL, a socks proxy without PySocks): no retry.
            raise InvalidInputError("%s cannot be sent as configured: %s; check endpoints and the HTTPS_PROXY / "
                                    "NO_PROXY environment variables." % (url.split("?")[0], _describe(exc)))
        except requests.exceptions.RequestException as exc:
            raise _sorted(exc)
        try:
            body = response.content
        except requests.exceptions.ContentDecodingError:
            # Exchange answers an unknown cmdlet with NUL bytes labelled gzip: an error without a body. A success
            # whose body cannot be decoded is an answer we could not read.
            if response.status_code < 400:
                raise SentUnanswered("the answer (HTTP %s) could not be decoded (Content-Encoding %s)"
                                     % (response.status_code, response.headers.get("Content-Encoding")))
            body = b""
        except requests.exceptions.RequestException as exc:
            raise SentUnanswered(_describe(exc))
        finally:
            response.close()
        return HttpResponse(response.status_code, response.headers, body, response.url)


DEFAULT_PORTS = {"https": 443, "http": 80}


def _origin(url):
    """scheme://host[:port] of a URL as urllib3 reads it (where the request would go), without credentials, path or
    query (what an error may name); the default port is left out."""
    try:
        parts = parse_url(url)
    except ValueError:
        return "(an unparsable URL)"
    scheme = (parts.scheme or "").lower()
    port = parts.port if parts.port and parts.port != DEFAULT_PORTS.get(scheme) else None
    return "%s://%s" % (scheme, (parts.host or "").lower()) + (":%d" % port if port else "")


def _redirect_refusal(url, target, headers, data, follow_redirects, status):
    """Why a redirect from ``url`` to ``target`` must not be followed, or None."""
    if not follow_redirects:
        return "a token request follows no redirect (its body holds the app's secret and the refresh token)"
    location = target.split("?", 1)[0].split("#", 1)[0]
    if "\\" in location or "@" in location.split("//", 1)[-1].split("/", 1)[0]:
        return "its location holds user information or a backslash, which URL parsers read differently"
    if data and status in (301, 302, 303):
        return "it would turn the request into a GET without its body (a sign-in page or gateway, not the service)"
    if _origin(target) == _origin(url):
        return None
    carries = [what for what, present in (("a body", data), ("credentials", any(
        k.lower() == "authorization" for k in (headers or {})))) if present]
    if carries:
        return "it leads to another scheme, host or port and the request carries %s" % " and ".join(carries)
    if not _origin(target).startswith("https://"):
        return "it leads away from https"
    return None


def _sorted(exc):
    """NotSent, TlsFailed or SentUnanswered for a requests exception, from where the request stood."""
    text = _describe(exc)
    if _phase() == "written":
        return SentUnanswered(text)
    if isinstance(exc, requests.exceptions.SSLError) or "SSL" in text.split(":", 1)[0] or "CERTIFICATE_VERIFY" in text:
        return TlsFailed(text)
    return NotSent(text)


_OBJECT = re.compile(r"\(?<[\w.]+ object at 0x[0-9a-f]+>[:,]\s*'?")
_CREDENTIALS = re.compile(r"//[^/@\s]*@")


def _describe(exc):
    """The innermost reason of a requests/urllib3 exception, one line, no URL credentials."""
    reason = exc
    while True:
        inner = getattr(reason, "reason", None)
        if not isinstance(inner, BaseException):
            inner = reason.args[0] if reason.args and isinstance(reason.args[0], BaseException) else None
        if inner is None or inner is reason:
            break
        reason = inner
    text = str(reason).splitlines()[0] if str(reason) else ""
    text = _CREDENTIALS.sub("//", _OBJECT.sub("", text))
    return "%s: %s" % (type(reason).__name__, text) if text else type(reason).__name__
