# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Turn identity-platform (AADSTS) errors into one sentence that says what to do."""

import re


_ADVICE = {
    700082: "the partner refresh token has expired (unused for 90 days); sign in again as the partner admin agent "
            "and store the new refresh token (refresh_token / CSP_REFRESH_TOKEN)",
    70043: "the partner refresh token expired under a Conditional Access sign-in frequency policy; sign in again and "
           "store the new refresh token",
    50173: "the partner refresh token was revoked (password change or session revocation); sign in again and store "
           "the new refresh token",
    65001: "the partner app is not consented in this customer tenant for the requested resource; run "
           "csp.exchange.exo_consent (or playbooks/consent.yml) for this tenant",
    50020: "the partner user has no access to this customer tenant; check the GDAP relationship and its security "
           "group mapping",
    50177: "the partner user has no access to this customer tenant; check the GDAP relationship and its security "
           "group mapping",
    50076: "multi-factor authentication is required; sign in again interactively with MFA and store the new "
           "refresh token",
    53003: "Conditional Access blocked the sign-in; exclude the partner app or service account from the policy",
    7000215: "the client secret is wrong (often the secret ID was used instead of its value); set client_secret to "
             "the secret's value",
    7000222: "the client secret has expired; create a new secret for the partner app and update client_secret",
    700027: "the client certificate does not match a certificate registered on the partner app; upload it to the "
            "app registration or fix client_certificate_path",
    700016: "the application was not found in the tenant; check client_id and that the app is multi-tenant",
    90002: "the tenant does not exist; check the tenant GUID or domain",
    900023: "the tenant name is invalid; use the tenant GUID or a verified domain",
    5000224: "the tenant has been deleted",
    70011: "the requested scope is invalid",
}


def aadsts_code(error):
    """The first AADSTS number from the token endpoint's error document, or None."""
    codes = error.get("error_codes") or []
    if codes:
        try:
            return int(codes[0])
        except (TypeError, ValueError):
            pass
    match = re.search(r"AADSTS(\d+)", error.get("error_description") or "")
    return int(match.group(1)) if match else None


def describe(error, tenant, what):
    """One sentence for a failed token request. ``error`` is the token endpoint's error document, ``what`` e.g. 'an Exchange token'."""
    code = aadsts_code(error)
    advice = _ADVICE.get(code)
    if advice is None:
        first_line = (error.get("error_description") or error.get("error") or "unknown error").splitlines()[0]
        advice = first_line.strip().rstrip(".")
    prefix = "AADSTS%s: " % code if code else ""
    return "Could not get %s for tenant %s: %s%s." % (what, tenant, prefix, advice)
