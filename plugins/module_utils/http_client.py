# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Keep-alive HTTPS over the standard library, and the one fact the retry loop needs: was the request sent?

Why not urllib3 or requests: a module process lives well under a second and importing urllib3 cost about a tenth
of its own work (bench/README.md), for a pool of a few connections to a few hosts. This file is that pool.
Failures are sorted where they happen: ``NotSent`` (DNS, refused, connect timeout, proxy refusal),
``TlsFailed`` (handshake or certificate; not sent either) and ``SentUnanswered`` (the request may have been executed).
"""
from __future__ import absolute_import, division, print_function

import base64
import json
import select
import ssl
import threading
import zlib

import http.client as httplib
from urllib.parse import unquote, urlsplit

__metaclass__ = type


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


def decode_body(data, encoding):
    """The body without its Content-Encoding; a body that does not decode carries nothing (Exchange answers an
    unknown cmdlet with NUL bytes labelled gzip)."""
    encoding = (encoding or "").strip().lower()
    if encoding not in ("gzip", "deflate") or not data:
        return data
    try:
        if encoding == "gzip":
            return zlib.decompress(data, 16 + zlib.MAX_WBITS)
        try:
            return zlib.decompress(data)
        except zlib.error:
            return zlib.decompress(data, -zlib.MAX_WBITS)      # raw deflate, as some servers send it
    except zlib.error:
        return b""


def _dropped(connection):
    """True when an idle keep-alive connection was closed by the server (readable while idle means EOF)."""
    sock = connection.sock
    if sock is None:
        return True
    try:
        readable, _w, _x = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)


class ConnectionPool:
    """Idle connections per (scheme, host, port, proxy), shared by the threads of one module run."""

    def __init__(self, context, timeout, maxsize=16):
        self.context = context
        self.timeout = timeout
        self.maxsize = maxsize
        self._idle = {}
        self._lock = threading.Lock()

    def new_connection(self, scheme, host, port, proxy=None):
        """A connection (not yet connected); through ``proxy`` (``http://[user:pass@]host:port``) by CONNECT."""
        if not proxy:
            if scheme == "https":
                return httplib.HTTPSConnection(host, port, timeout=self.timeout, context=self.context)
            return httplib.HTTPConnection(host, port, timeout=self.timeout)
        parts = urlsplit(proxy if "://" in proxy else "http://" + proxy)
        if parts.scheme != "http":
            raise NotSent("proxy %s: only http:// proxies are supported (the tunnel to the service is TLS)"
                          % parts.hostname)
        headers = {}
        if parts.username:
            credentials = "%s:%s" % (unquote(parts.username), unquote(parts.password or ""))
            headers["Proxy-Authorization"] = "Basic " + base64.b64encode(credentials.encode("utf-8")).decode("ascii")
        if scheme == "https":
            connection = httplib.HTTPSConnection(parts.hostname, parts.port or 80, timeout=self.timeout,
                                                 context=self.context)
        else:
            connection = httplib.HTTPConnection(parts.hostname, parts.port or 80, timeout=self.timeout)
        connection.set_tunnel(host, port, headers)
        return connection

    def _checkout(self, key):
        with self._lock:
            idle = self._idle.get(key) or []
            while idle:
                connection = idle.pop()
                if not _dropped(connection):
                    return connection
                connection.close()
        connection = self.new_connection(*key)
        try:
            connection.connect()
        except ssl.SSLError as exc:      # before OSError, its base: includes certificate verification
            connection.close()
            raise TlsFailed(str(exc))
        except (OSError, httplib.HTTPException) as exc:     # DNS, refused, timeout, the proxy said no
            connection.close()
            raise NotSent("%s: %s" % (type(exc).__name__, exc))
        return connection

    def _checkin(self, key, connection):
        with self._lock:
            idle = self._idle.setdefault(key, [])
            if len(idle) < self.maxsize:
                idle.append(connection)
                return
        connection.close()

    def request(self, method, url, body=None, headers=None, proxy=None):
        """Send once and read the whole answer. Raises NotSent, TlsFailed or SentUnanswered."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        key = (scheme, parts.hostname, parts.port or (443 if scheme == "https" else 80), proxy)
        target = (parts.path or "/") + ("?" + parts.query if parts.query else "")
        connection = self._checkout(key)
        try:
            connection.request(method, target, body=body, headers=headers or {})
            response = connection.getresponse()
            data = response.read()
        except (OSError, httplib.HTTPException) as exc:
            connection.close()
            raise SentUnanswered("%s: %s" % (type(exc).__name__, exc) if str(exc) else type(exc).__name__)
        if response.will_close:
            connection.close()
        else:
            self._checkin(key, connection)
        return HttpResponse(response.status, response.msg, decode_body(data, response.msg.get("Content-Encoding")), url)

    def close(self):
        with self._lock:
            for idle in self._idle.values():
                for connection in idle:
                    connection.close()
            self._idle.clear()
