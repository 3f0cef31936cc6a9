"""The standard-library pool against a real local HTTPS server: keep-alive reuse, decoding, and where each kind of
failure lands (NotSent, TlsFailed, SentUnanswered), which decides whether a write may be sent again."""
import gzip
import socket
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import trustme

from ansible_collections.csp.exchange.plugins.module_utils.http_client import (
    ConnectionPool, NotSent, SentUnanswered, TlsFailed, decode_body)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        self.server.seen.append((self.path, body, self.client_address[1]))
        if self.path == "/hang-up":               # reads the request, then drops the connection unanswered
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if self.path == "/gzip":
            payload, headers = gzip.compress(b'{"ok": true}'), {"Content-Encoding": "gzip"}
        elif self.path == "/bogus-gzip":
            payload, headers = b"\x00" * 64, {"Content-Encoding": "gzip"}
        else:
            payload, headers = b'{"echo": %d}' % len(body), {}
        self.send_response(200)
        for name, value in dict(headers, **{"Content-Length": str(len(payload)), "X-Mixed-Case": "yes"}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)


@pytest.fixture(scope="module")
def ca():
    return trustme.CA()


@pytest.fixture()
def server(ca):
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    httpd.seen = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def pool_for(ca):
    context = ssl.create_default_context()
    ca.configure_trust(context)
    return ConnectionPool(context, timeout=5)


def url(server, path):
    return "https://127.0.0.1:%d%s" % (server.server_address[1], path)


def test_keep_alive_reuses_one_connection_and_headers_are_case_insensitive(ca, server):
    pool = pool_for(ca)
    first = pool.request("POST", url(server, "/a?x=1"), body=b"12345", headers={"Content-Type": "text/plain"})
    second = pool.request("POST", url(server, "/b"), body=b"1")
    assert (first.status, first.body, second.body) == (200, b'{"echo": 5}', b'{"echo": 1}')
    assert first.headers.get("x-mixed-case") == "yes"
    assert [s[0] for s in server.seen] == ["/a?x=1", "/b"]
    assert server.seen[0][2] == server.seen[1][2]            # same client port: one connection


def test_gzip_is_decoded_and_a_bogus_gzip_body_carries_nothing(ca, server):
    pool = pool_for(ca)
    assert pool.request("POST", url(server, "/gzip")).body == b'{"ok": true}'
    answer = pool.request("POST", url(server, "/bogus-gzip"))
    assert answer.status == 200 and answer.body == b""
    assert decode_body(b"plain", None) == b"plain" and decode_body(b"", "gzip") == b""


def test_an_idle_connection_closed_by_the_server_is_replaced_not_failed(ca, server):
    pool = pool_for(ca)
    pool.request("POST", url(server, "/a"))
    for idle in pool._idle.values():          # the server side times the idle connection out
        for connection in idle:
            connection.sock.shutdown(socket.SHUT_RDWR)
    assert pool.request("POST", url(server, "/b")).status == 200
    assert server.seen[0][2] != server.seen[1][2]


def test_failures_are_sorted_by_whether_the_request_left(ca, server):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    with pytest.raises(NotSent, match="ConnectionRefusedError"):
        pool_for(ca).request("POST", "https://127.0.0.1:%d/x" % closed_port)
    with pytest.raises(TlsFailed, match="certificate verify failed"):
        ConnectionPool(ssl.create_default_context(), timeout=5).request("POST", url(server, "/a"))
    assert server.seen == []                  # neither reached the service
    with pytest.raises(SentUnanswered):
        pool_for(ca).request("POST", url(server, "/hang-up"), body=b"write")
    assert server.seen[0][:2] == ("/hang-up", b"write")     # it did reach the service
