# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Error translation for Graph and Partner Center JSON error bodies."""

from ..errors import AuthError, NotFoundError, ServiceError

# Partner Center's answer (HTTP 401) to an app+user call whose token carries no multi-factor claim, enforced on every
# app+user call since 2026-04-01 (Partner Center developer docs, "Partner Center authentication").
MFA_REQUIRED = "900421"
MFA_SENTENCE = ("Partner Center refused the partner's token with error 900421 because it carries no multi-factor "
                "authentication claim, which Partner Center requires on every app+user call since 2026-04-01, so sign "
                "in again as the partner admin agent with multi-factor authentication through playbooks/onboard.yml and "
                "use the refresh token it stores.")


def graph_error(response, action, tenant, cloud_hint=""):
    """Graph: ``{"error":{"code":…,"message":…}}`` (Graph docs, concepts/errors)."""
    doc = response.json() or {}
    error = doc.get("error") if isinstance(doc, dict) else None
    error = error if isinstance(error, dict) else {}
    code = error.get("code")
    text = error.get("message") or response.text.strip()[:300] or "no details"
    hint = ""
    if response.status == 401:
        hint = " Get a fresh token or check that the app is consented in the tenant." + (" " + cloud_hint if cloud_hint else "")
    elif response.status == 403:
        hint = (" The partner app lacks the Graph permission for this call in the tenant (for consent changes: "
                "DelegatedPermissionGrant.ReadWrite.All), or the partner user lacks the GDAP role.")
    message = "Microsoft Graph answered HTTP %s%s to %s in tenant %s: %s.%s" % (
        response.status, " %s" % code if code else "", action, tenant, text.rstrip("."), hint)
    cls = NotFoundError if response.status == 404 else ServiceError
    return cls(message, status=response.status, code=code)


def is_mfa_required(response):
    """Whether a Partner Center answer is the 401 for a token without multi-factor authentication (900421)."""
    if response.status != 401:
        return False
    doc = response.json()
    code = doc.get("code") if isinstance(doc, dict) else None
    return str(code) == MFA_REQUIRED or MFA_REQUIRED in (response.text or "")


def partner_center_error(response, action):
    """Partner Center: ``{"code":…,"description":…}`` (Partner Center developer docs, error-codes)."""
    if is_mfa_required(response):
        return AuthError(MFA_SENTENCE, status=401, code=MFA_REQUIRED, mfa_required=True)
    doc = response.json() or {}
    doc = doc if isinstance(doc, dict) else {}
    code = doc.get("code")
    text = doc.get("description") or response.text.strip()[:300] or "no details"
    message = "Partner Center answered HTTP %s%s to %s: %s." % (
        response.status, " (code %s)" % code if code else "", action, str(text).rstrip("."))
    cls = NotFoundError if response.status == 404 else ServiceError
    return cls(message, status=response.status, code=code)
