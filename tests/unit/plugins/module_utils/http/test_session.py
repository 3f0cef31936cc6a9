"""The requests session against a real local HTTPS server: keep-alive reuse, decoding, our trust, and where each
kind of failure lands (NotSent, TlsFailed, SentUnanswered), which decides whether a write may be sent again."""
import gzip
import socket
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import trustme

from ansible_collections.csp.exchange.plugins.module_utils.errors import TransportError
from ansible_collections.csp.exchange.plugins.module_utils.http.session import (
    HttpSession, NotSent, SentUnanswered, TlsFailed, tls_context)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.do_POST()

    def do_POST(self):
        self.server.methods.append(self.command)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        self.server.seen.append((self.path, body, self.client_address[1]))
        if self.path == "/hang-up":               # reads the request, then drops the connection unanswered
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if self.path == "/slow":
            time.sleep(1.5)
        if self.path == "/truncated":            # promises more than it sends, then closes
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            self.wfile.write(b'{"value": [')
            self.close_connection = True
            return
        if self.path == "/redirect" or self.path.startswith("/redirect-to/"):
            code, target = self.path[len("/redirect-to/"):].split("/", 1) if self.path != "/redirect" else ("307", "/a")
            self.send_response(int(code))
            self.send_header("Location", target.replace("!", "/"))
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.path == "/gzip":
            payload, headers = gzip.compress(b'{"ok": true}'), {"Content-Encoding": "gzip"}
        elif self.path.startswith("/bogus-gzip"):
            payload, headers = b"\x00" * 64, {"Content-Encoding": "gzip"}
        else:
            payload, headers = b'{"echo": %d}' % len(body), {}
        self.send_response(403 if self.path == "/bogus-gzip-403" else 200)
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
    httpd.methods = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def session_for(ca, tmp_path, timeout=5):
    path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return HttpSession(ca_path=str(path), timeout=timeout)


def url(server, path):
    return "https://127.0.0.1:%d%s" % (server.server_address[1], path)


def test_keep_alive_reuses_one_connection_and_headers_are_case_insensitive(ca, server, tmp_path):
    http = session_for(ca, tmp_path)
    first = http.send("POST", url(server, "/a?x=1"), data=b"12345", headers={"Content-Type": "text/plain"})
    second = http.send("POST", url(server, "/b"), data=b"1")
    assert (first.status, first.body, second.body) == (200, b'{"echo": 5}', b'{"echo": 1}')
    assert first.headers.get("x-mixed-case") == "yes"
    assert [s[0] for s in server.seen] == ["/a?x=1", "/b"]
    assert server.seen[0][2] == server.seen[1][2]            # same client port: one connection


def test_gzip_is_decoded_and_a_bogus_gzip_body_is_empty_only_on_an_error(ca, server, tmp_path):
    http = session_for(ca, tmp_path)
    assert http.send("POST", url(server, "/gzip")).body == b'{"ok": true}'
    answer = http.send("POST", url(server, "/bogus-gzip-403"))       # Exchange's unknown cmdlet
    assert answer.status == 403 and answer.body == b""
    with pytest.raises(SentUnanswered, match="could not be decoded"):   # a 200 page must never read as "no rows"
        http.send("POST", url(server, "/bogus-gzip"))


def test_redirects_are_followed(ca, server, tmp_path):
    answer = session_for(ca, tmp_path).send("POST", url(server, "/redirect"), data=b"xy")
    assert answer.status == 200 and [s[0] for s in server.seen] == ["/redirect", "/a"]


def redirect_to(server, target, code=307):
    return url(server, "/redirect-to/%d/%s" % (code, target.replace("/", "!")))


def test_a_redirect_elsewhere_is_refused_before_anything_goes_there(ca, server, tmp_path):
    plain = socket.socket()
    plain.bind(("127.0.0.1", 0))
    plain.listen(1)
    plain.settimeout(0.5)
    elsewhere = "http://127.0.0.1:%d/steal" % plain.getsockname()[1]
    http = session_for(ca, tmp_path)
    with pytest.raises(TransportError, match="https://127.0.0.1:%d answered HTTP 307 with a redirect to "
                                             "http://127.0.0.1:%d" % (server.server_address[1], plain.getsockname()[1])):
        http.send("POST", redirect_to(server, elsewhere), data=b"client_secret=s3cret")
    with pytest.raises(TransportError, match="carries credentials"):
        http.send("GET", redirect_to(server, elsewhere), headers={"Authorization": "Bearer t0ken"})
    with pytest.raises(TransportError, match="away from https"):
        http.send("GET", redirect_to(server, elsewhere))
    with pytest.raises(socket.timeout):
        plain.accept()          # the plain listener never saw a connection
    plain.close()


def test_a_token_request_follows_no_redirect_even_on_the_same_host(ca, server, tmp_path):
    with pytest.raises(TransportError, match="a token request follows no redirect"):
        session_for(ca, tmp_path).send("POST", url(server, "/redirect"), data=b"refresh_token=r", follow_redirects=False)
    assert [s[0] for s in server.seen] == ["/redirect"]


def test_a_redirect_that_would_drop_the_body_is_refused_and_a_get_follows_it(ca, server, tmp_path):
    # A 301/302/303 turns a POST into a GET without its body: a sign-in page or gateway, not the service, so the
    # call would look answered without having run.
    http = session_for(ca, tmp_path)
    with pytest.raises(TransportError, match="turn the request into a GET"):
        http.send("POST", redirect_to(server, "/b", code=303), data=b"xyz")
    assert [s[0] for s in server.seen] == ["/redirect-to/303/!b"]
    answer = http.send("GET", redirect_to(server, "/b", code=302))
    assert answer.status == 200 and server.seen[-1][0] == "/b" and server.methods[-1] == "GET"


@pytest.mark.parametrize("location", ["https://127.0.0.1:1\\@127.0.0.1:{port}/a", "https://user@127.0.0.1:{port}/a"])
def test_a_location_with_a_backslash_or_user_information_is_refused(ca, server, tmp_path, location):
    target = location.format(port=server.server_address[1])
    with pytest.raises(TransportError, match="user information or a backslash"):
        session_for(ca, tmp_path).send("POST", redirect_to(server, target), data=b"x")


def test_an_idle_connection_closed_by_the_server_is_replaced_not_failed(ca, server, tmp_path):
    http = session_for(ca, tmp_path)
    http.send("POST", url(server, "/a"))
    for pool in http.session.get_adapter("https://").poolmanager.pools._container.values():
        for connection in list(pool.pool.queue):      # the server side times the idle connection out
            if connection is not None and connection.sock is not None:
                connection.sock.shutdown(socket.SHUT_RDWR)
    assert http.send("POST", url(server, "/b")).status == 200
    assert server.seen[0][2] != server.seen[1][2]


def test_our_trust_is_immune_to_requests_ca_bundle(ca, server, tmp_path, monkeypatch):
    unrelated = trustme.CA()
    bundle = tmp_path / "unrelated.pem"
    unrelated.cert_pem.write_to_path(str(bundle))
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        monkeypatch.setenv(name, str(bundle))
    assert session_for(ca, tmp_path).send("POST", url(server, "/a")).status == 200


class _BrokenWrites:
    """A socket whose writes fail, as a keep-alive connection the server has just closed."""

    def __init__(self, sock):
        self._sock = sock

    def sendall(self, data, *args):
        raise BrokenPipeError(32, "Broken pipe")

    def __getattr__(self, name):
        return getattr(self._sock, name)


def test_failures_are_sorted_by_whether_the_request_left(ca, server, tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    with pytest.raises(NotSent, match="[Rr]efused"):
        session_for(ca, tmp_path).send("POST", "https://127.0.0.1:%d/x" % closed_port)
    with pytest.raises(TlsFailed, match="certificate verify failed"):
        HttpSession(timeout=5).send("POST", url(server, "/a"))
    # A write that fails on a reused connection: the request never left.
    http = session_for(ca, tmp_path, timeout=1)
    http.send("POST", url(server, "/a"))
    for pool in http.session.get_adapter("https://").poolmanager.pools._container.values():
        for connection in list(pool.pool.queue):
            if connection is not None and connection.sock is not None:
                connection.sock = _BrokenWrites(connection.sock)
    with pytest.raises(NotSent):
        http.send("POST", url(server, "/b"), data=b"write")
    assert [s[0] for s in server.seen] == ["/a"]             # none of them reached the service
    with pytest.raises(SentUnanswered):
        session_for(ca, tmp_path).send("POST", url(server, "/hang-up"), data=b"write")
    assert server.seen[-1][:2] == ("/hang-up", b"write")     # it did reach the service
    with pytest.raises(SentUnanswered, match="[Tt]imed out"):
        session_for(ca, tmp_path, timeout=0.5).send("POST", url(server, "/slow"))
    with pytest.raises(SentUnanswered):
        session_for(ca, tmp_path).send("POST", url(server, "/truncated"))


def test_a_tls_handshake_that_never_completes_was_not_sent(ca, tmp_path):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)          # accepts TCP, never speaks TLS
    try:
        with pytest.raises(NotSent):
            session_for(ca, tmp_path, timeout=0.5).send("POST", "https://127.0.0.1:%d/x" % listener.getsockname()[1])
    finally:
        listener.close()


def test_one_context_trusts_the_extra_ca_once(tmp_path):
    ca = trustme.CA()
    path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    context = tls_context(str(path))
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    system_only = ssl.create_default_context()
    assert context.cert_store_stats()["x509_ca"] == system_only.cert_store_stats()["x509_ca"] + 1
    insecure = tls_context(str(path), validate_certs=False)
    assert insecure.verify_mode == ssl.CERT_NONE and insecure.cert_store_stats()["x509_ca"] == 0
