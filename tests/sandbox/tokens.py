"""Access and id tokens (RS256 JWTs signed by a key made at start), their verification with a cache keyed by
the token string, and the checks on a certificate client assertion."""
import base64
import hashlib
import json
import re
import threading
import uuid
from typing import Dict, Iterable, List, Optional

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from .clock import Clock

MAX_CACHED = 50000


class InvalidToken(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class AssertionRejected(Exception):
    """A client assertion that fails a check; ``code`` is the AADSTS number to answer with."""

    def __init__(self, code: int, detail: str):
        super().__init__(detail)
        self.code = code
        self.detail = detail


IMPLICIT_APP_WID = "0997a1d0-0d1d-4acb-b408-d5ca73121e90"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _b64decode_lenient(value: str, urlsafe: bool) -> bytes:
    """Padded or unpadded, with any whitespace (msal's x5c keeps PEM line breaks)."""
    value = re.sub(r"\s+", "", value)
    value += "=" * (-len(value) % 4)
    return base64.urlsafe_b64decode(value) if urlsafe else base64.b64decode(value)


class Tokens:
    def __init__(self, clock: Clock):
        self.clock = clock
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self._public = self._key.public_key()
        der = self._public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        self.kid = b64url(hashlib.sha1(der).digest())
        self._lock = threading.Lock()
        self._verified: Dict[str, dict] = {}
        self._issued_at: Dict[str, float] = {}     # precise issue time per token (iat is whole seconds)
        self.not_before = 0.0                      # admin "invalidate": tokens issued earlier are rejected

    # -- issuing --------------------------------------------------------------------------------------
    def issue_access_token(self, *, audience: str, tenant_id: str, app_id: str, oid: str, lifetime_s: int,
                           scp: Optional[str] = None, roles: Optional[List[str]] = None,
                           upn: Optional[str] = None, wids: Optional[List[str]] = None,
                           extra: Optional[dict] = None) -> str:
        now = self.clock.now()
        # The claims of a v1.0 access token as Microsoft documents them per token type ("Access token claims
        # reference", learn.microsoft.com/entra/identity-platform/access-token-claims-reference): aio, rh and uti are
        # opaque; appidacr says how the client authenticated (1 secret, 2 certificate); idtyp is app or user.
        issuer = f"https://sts.windows.net/{tenant_id}/"
        claims = {"aud": audience, "iss": issuer, "iat": int(now), "nbf": int(now), "exp": int(now + lifetime_s),
                  "aio": b64url(uuid.uuid4().bytes), "appid": app_id, "appidacr": "1", "idp": issuer, "oid": oid,
                  "rh": f"0.{b64url(uuid.uuid4().bytes)}.", "sub": oid, "tid": tenant_id,
                  "uti": b64url(uuid.uuid4().bytes), "ver": "1.0"}
        if scp is not None:
            # A user's token: how they signed in, who they are; wids only where the user holds directory roles.
            claims.update(scp=scp, upn=upn, unique_name=upn, name=(upn or "").split("@")[0], acr="1",
                          amr=["pwd", "mfa"], idtyp="user")
            if wids:
                claims["wids"] = list(wids)
        else:
            # An app's token always carries the implicit wid below besides its directory roles: tokens captured from
            # the service show it in every app-only token, with no directory role of that template id (it is no role).
            others = [w for w in wids or [] if w != IMPLICIT_APP_WID]
            claims.update(roles=roles or [], idtyp="app", wids=[IMPLICIT_APP_WID, *others])
        claims.update(extra or {})
        token = jwt.encode(claims, self._key, algorithm="RS256", headers={"kid": self.kid, "x5t": self.kid})
        with self._lock:
            self._trim()
            self._issued_at[token] = now
        return token

    def issue_id_token(self, *, tenant_id: str, client_id: str, oid: str, upn: str, lifetime_s: int) -> str:
        now = self.clock.now()
        claims = {"aud": client_id, "iss": f"https://login.microsoftonline.com/{tenant_id}/v2.0", "iat": int(now),
                  "nbf": int(now), "exp": int(now + lifetime_s), "tid": tenant_id, "oid": oid, "sub": oid,
                  "preferred_username": upn, "name": upn.split("@")[0], "ver": "2.0"}
        return jwt.encode(claims, self._key, algorithm="RS256", headers={"kid": self.kid})

    def jwk(self) -> dict:
        key = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self._public))
        return {**key, "kid": self.kid, "x5t": self.kid, "use": "sig"}

    # -- verifying ------------------------------------------------------------------------------------
    def verify(self, authorization: Optional[str], audience: str) -> dict:
        """Claims of a valid bearer token for ``audience``; raises InvalidToken(reason)."""
        claims, token = self._decode(authorization)
        if claims.get("aud") != audience:
            raise InvalidToken(f"audience {claims.get('aud')!r} is not {audience!r}")
        if claims["exp"] <= self.clock.now():
            raise InvalidToken("the token is expired")
        if self._issued_at.get(token, claims["iat"]) < self.not_before:
            raise InvalidToken("the token was issued before the session was revoked")
        return claims

    def peek(self, authorization: Optional[str]) -> Optional[dict]:
        """Claims of a token this sandbox signed, without audience or lifetime checks (fault scoping)."""
        try:
            return self._decode(authorization)[0]
        except InvalidToken:
            return None

    def _decode(self, authorization: Optional[str]):
        scheme, dummy, token = (authorization or "").partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise InvalidToken("no bearer token")
        claims = self._verified.get(token)
        if claims is None:
            try:
                claims = jwt.decode(token, self._public, algorithms=["RS256"],
                                    options={"verify_aud": False, "verify_exp": False, "verify_iat": False,
                                             "verify_nbf": False})
            except jwt.PyJWTError as exc:
                raise InvalidToken(f"the token is malformed or its signature is invalid ({exc})") from None
            with self._lock:
                self._trim()
                self._verified[token] = claims
        return claims, token

    def _trim(self) -> None:
        if len(self._verified) > MAX_CACHED:
            self._verified.clear()
        if len(self._issued_at) > MAX_CACHED:
            self._issued_at.clear()

    def invalidate(self) -> None:
        self.not_before = self.clock.now()

    def reset(self) -> None:
        self.not_before = 0.0


def check_client_assertion(assertion: str, certificate_pem: Optional[str], client_id: str,
                           audiences: Iterable[str], now: float) -> None:
    """Check a msal-style assertion (PS256 + x5t#S256 [+ x5c] or RS256 + x5t) against the registered
    certificate; raises AssertionRejected with the AADSTS code."""
    if not certificate_pem:
        raise AssertionRejected(700027, "No certificate is registered on the application.")
    try:
        header = jwt.get_unverified_header(assertion)
    except jwt.PyJWTError:
        raise AssertionRejected(700027, "The client assertion is not a valid JWT.") from None
    cert = x509.load_pem_x509_certificate(certificate_pem.encode())
    der = cert.public_bytes(serialization.Encoding.DER)
    try:
        if header.get("x5c") and _b64decode_lenient(header["x5c"][0], urlsafe=False) != der:
            raise AssertionRejected(700027, "The certificate in x5c is not registered on the application.")
        if "x5t#S256" in header:
            matches = _b64decode_lenient(header["x5t#S256"], urlsafe=True) == cert.fingerprint(hashes.SHA256())
        elif "x5t" in header:
            matches = _b64decode_lenient(header["x5t"], urlsafe=True) == cert.fingerprint(hashes.SHA1())
        else:
            raise AssertionRejected(700027, "The client assertion has no certificate thumbprint (x5t or x5t#S256).")
    except (ValueError, TypeError, IndexError):
        raise AssertionRejected(700027, "The certificate headers of the client assertion are malformed.") from None
    if not matches:
        raise AssertionRejected(700027, "Key was not found: the thumbprint matches no registered certificate.")
    if header.get("alg") not in ("RS256", "PS256"):
        raise AssertionRejected(700027, f"Unsupported assertion algorithm {header.get('alg')!r}.")
    try:
        claims = jwt.decode(assertion, cert.public_key(), algorithms=[header["alg"]],
                            options={"verify_aud": False, "verify_exp": False, "verify_iat": False, "verify_nbf": False})
    except jwt.PyJWTError:
        raise AssertionRejected(700027, "Client assertion failed signature validation.") from None
    if claims.get("aud") not in set(audiences):
        raise AssertionRejected(700027, f"The audience {claims.get('aud')!r} of the client assertion is not the token endpoint.")
    if claims.get("iss") != client_id or claims.get("sub") != client_id:
        raise AssertionRejected(700027, "The iss and sub claims of the client assertion must be the client id.")
    try:
        exp = float(claims["exp"])
    except (KeyError, TypeError, ValueError):
        raise AssertionRejected(700027, "The client assertion has no valid exp claim.") from None
    if exp <= now:
        raise AssertionRejected(700024, "Client assertion is not within its valid time range.")
