"""HTTPS on loopback: a threading HTTP/1.1 server (keep-alive) that turns sockets into ``Request`` objects for
``Sandbox.dispatch`` and writes each ``Response`` in one send. TLS is negotiated in the connection's own
thread so a slow client never stalls ``accept``; a plain-HTTP request gets a 400 and the connection closes."""
import socket
import ssl
import sys
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

from .wire import Headers, Request, Response

HANDSHAKE_TIMEOUT_S = 10
IDLE_TIMEOUT_S = 120
TLS_HANDSHAKE_RECORD = b"\x16"
PLAIN_HTTP_BODY = b"This sandbox only speaks HTTPS.\n"
PLAIN_HTTP_REJECTION = (b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nConnection: close\r\n"
                        b"Content-Length: " + str(len(PLAIN_HTTP_BODY)).encode() + b"\r\n\r\n" + PLAIN_HTTP_BODY)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "csp-exchange-sandbox"
    sys_version = ""
    timeout = IDLE_TIMEOUT_S

    def _serve(self) -> None:
        body = self._read_body()
        if body is None:
            return
        url = urlsplit(self.path)
        request = Request(method=self.command, path=unquote(url.path), raw_query=url.query,
                          headers=Headers(self.headers.items()), body=body)
        response = self.server.sandbox.dispatch(request)
        if response.drop_connection:
            self.close_connection = True      # lost response: close without a byte of answer
            return
        self._write(response)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

    def _read_body(self):
        if self.headers.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        try:
            length = int(self.headers.get("content-length") or 0)
        except ValueError:
            self._write(Response.text(400, "Invalid Content-Length"))
            self.close_connection = True
            return None
        return self.rfile.read(length) if length else b""

    def _write(self, response: Response) -> None:
        try:
            reason = HTTPStatus(response.status).phrase
        except ValueError:
            reason = "Status"
        lines = [f"HTTP/1.1 {response.status} {reason}", f"Date: {self.date_time_string()}",
                 f"Server: {self.server_version}"]
        lines += [f"{name}: {value}" for name, value in response.headers.items() if name != "content-length"]
        lines.append(f"Content-Length: {len(response.body)}")
        if self.close_connection:
            lines.append("Connection: close")
        self.wfile.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + response.body)

    def log_message(self, format, *args):     # the request log is the sandbox's own
        pass


class SandboxServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, sandbox, ssl_context: ssl.SSLContext, host: str = "127.0.0.1", port: int = 0):
        self.sandbox = sandbox
        self.ssl_context = ssl_context
        super().__init__((host, port), _Handler)

    @property
    def port(self) -> int:
        return self.server_address[1]

    def finish_request(self, request: socket.socket, client_address) -> None:
        request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)    # headers+body go out at once anyway
        request.settimeout(HANDSHAKE_TIMEOUT_S)
        first = request.recv(1, socket.MSG_PEEK)
        if not first:
            return
        if first != TLS_HANDSHAKE_RECORD:
            request.sendall(PLAIN_HTTP_REJECTION)
            return
        try:
            tls = self.ssl_context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return
        try:
            self.RequestHandlerClass(tls, client_address, self)
        finally:
            tls.close()

    def handle_error(self, request, client_address) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, ssl.SSLError, TimeoutError, socket.timeout)):
            return      # clients hanging up or idling out are normal
        super().handle_error(request, client_address)
