"""Certificates made at start: a trustme CA with the server certificate (127.0.0.1 and localhost), and a
self-signed RSA client certificate registered on the partner app for certificate client assertions."""
import datetime
import os
import ssl
from typing import Tuple

import trustme
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID


def server_tls_context(state_dir: str) -> ssl.SSLContext:
    """A TLS context for the server; the CA that signed it is written to ``state_dir/ca.pem``."""
    ca = trustme.CA(organization_name="csp.exchange sandbox")
    ca.cert_pem.write_to_path(os.path.join(state_dir, "ca.pem"))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    return context


def client_certificate(common_name: str = "csp.exchange sandbox client") -> Tuple[str, str]:
    """(private key PEM, certificate PEM): msal signs assertions with RSA (PS256/RS256)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=365)).sign(key, hashes.SHA256()))
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    return key_pem, cert.public_bytes(serialization.Encoding.PEM).decode()
