"""A redirect never carries a secret elsewhere: an endpoint (or something in between) that answers 307 towards a
plain-HTTP listener or another https host gets nothing from the modules: not the token request's client secret and
refresh token, not a cmdlet's password. The task fails without a write and names the endpoint."""
import json
import socket
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import trustme

from tests.integration.conftest import CONTOSO, dump

PASSWORD = "Redirected-Passw0rd-canary"


class Recorder(BaseHTTPRequestHandler):
    """Answers every request with ``server.answer(handler, body)``; records (method, path, body)."""
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _handle(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.seen.append((self.command, self.path, body))
        status, headers = self.server.answer(self.path)
        self.send_response(status)
        for name, value in dict(headers, **{"Content-Length": "0"}).items():
            self.send_header(name, value)
        self.end_headers()

    do_GET = do_POST = do_PATCH = _handle


def serve(answer, context=None):
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    httpd.daemon_threads = True
    httpd.seen, httpd.answer = [], answer
    if context is not None:
        httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


class PlainListener:
    """A plain TCP listener that records every connection and every byte it receives."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.received = []
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def port(self):
        return self.sock.getsockname()[1]

    def _accept(self):
        while True:
            try:
                conn, dummy = self.sock.accept()
            except OSError:
                return
            conn.settimeout(2)
            try:
                self.received.append(conn.recv(65536))
            except OSError:
                self.received.append(b"")
            conn.close()


def trusted_tls(sb, tmp_path):
    """(a server TLS context for 127.0.0.1, a ca_path bundle trusting it next to the sandbox's CA)."""
    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    bundle = tmp_path / "bundle.pem"
    with open(sb.env["CSP_CA_PATH"]) as handle:
        bundle.write_text(handle.read() + ca.cert_pem.bytes().decode())
    return context, bundle


@pytest.fixture
def redirect_world(sb, tmp_path):
    """An https redirector and a second https host, trusted through ca_path next to the sandbox's CA."""
    context, bundle = trusted_tls(sb, tmp_path)
    plain = PlainListener()
    other = serve(lambda path: (200, {}), context)
    targets = {}
    redirector = serve(lambda path: (307, {"Location": targets["location"] + path}), context)
    servers = (redirector, other)
    yield dict(bundle=str(bundle), plain=plain, other=other, redirector=redirector, targets=targets)
    for httpd in servers:
        httpd.shutdown()
        httpd.server_close()
    plain.sock.close()


def endpoints(sb, **overrides):
    return json.dumps(dict(json.loads(sb.env["CSP_ENDPOINTS"]), **overrides))


def test_a_token_request_redirected_to_plain_http_sends_nothing_there(sb, redirect_world):
    world = redirect_world
    world["targets"]["location"] = "http://127.0.0.1:%d" % world["plain"].port
    login = "https://127.0.0.1:%d" % world["redirector"].server_address[1]
    run = sb.play("""
        - name: token
          csp.exchange.exo_token: {tenant: %s}
    """ % CONTOSO, env={"CSP_ENDPOINTS": endpoints(sb, login=login), "CSP_CA_PATH": world["bundle"]})
    assert run.rc != 0, dump(run)
    msg = run.task("token")["msg"]
    assert login in msg and "redirect" in msg and "follows no redirect" in msg, msg
    assert world["redirector"].seen and world["redirector"].seen[0][0] == "POST"     # the token request reached it
    assert world["plain"].received == []                                             # ...and nothing went on
    secret = sb.env["CSP_CLIENT_SECRET"]
    assert secret and secret not in run.stdout + run.stderr and sb.env["CSP_REFRESH_TOKEN"] not in run.stdout + run.stderr


def test_a_cmdlet_redirected_to_another_https_host_sends_it_no_body(sb, redirect_world):
    world = redirect_world
    world["targets"]["location"] = "https://127.0.0.1:%d" % world["other"].server_address[1]
    exchange = "https://127.0.0.1:%d" % world["redirector"].server_address[1]
    run = sb.play("""
        - name: password
          csp.exchange.exo_command:
            tenant: %s
            cmdlet: Set-Mailbox
            parameters: {Identity: admin, Password: %s}
    """ % (CONTOSO, PASSWORD), env={"CSP_ENDPOINTS": endpoints(sb, exchange=exchange), "CSP_CA_PATH": world["bundle"]})
    assert run.rc != 0, dump(run)
    msg = run.task("password")["msg"]
    assert exchange in msg and "another scheme, host or port" in msg, msg
    assert any(PASSWORD.encode() in body for method, path, body in world["redirector"].seen)   # sent where configured
    assert world["other"].seen == []                                                           # never re-sent elsewhere
    assert PASSWORD not in run.stdout
    assert not sb.writes()
