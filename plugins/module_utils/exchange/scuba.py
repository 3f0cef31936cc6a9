# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The CISA SCuBA Exchange Online baseline (ScubaGear ``baselines/exo.md`` and ``Rego/EXOConfig.rego`` at commit
4d34e9a48e38ce5c2e14c0fdfbaee53e57594ae2, 2026-08-20): each control as data (policy ID, statement, SHALL/SHOULD,
what is checked, how it is fixed) with the function that checks it and, when asked, fixes it through the same
desired-state machinery as exo_settings/exo_object.

Statuses: ``pass``; ``fail`` (Exchange can fix it: run with remediate); ``fixed`` (it was, this run);
``manual`` (outside Exchange, e.g. DNS: never reported as passed); ``error`` (could not be checked).
Where baselines disagree, SCuBA is followed: forwarding is checked on remote domains (not the outbound spam
policy CIS and CIPP use), external sender warnings need a transport rule (ExternalInOutlook, which CIPP and Maester
accept, does not satisfy ScubaGear's Rego).
"""

import copy

from ..errors import CspError, InvalidInputError
from .objects import ObjectRun
from .settings import Desired, SettingsRun


SCUBA_COMMIT = "4d34e9a48e38ce5c2e14c0fdfbaee53e57594ae2"
SCUBA_SOURCE = ("cisagov/ScubaGear PowerShell/ScubaGear/baselines/exo.md + Rego/EXOConfig.rego at commit %s "
                "(2026-08-20)" % SCUBA_COMMIT)
DEFAULT_WARNING_RULE = {"name": "External sender warning", "prefix": "[EXTERNAL] "}


class Control:
    def __init__(self, policy_id, statement, criticality, check, remediation, evaluate, configurable=None):
        self.id = policy_id
        # (noun, property) of the one organisation setting the control checks and fixes, else None: an exception
        # for the control protects that setting from every role (plugin_utils/exceptions.py).
        self.setting = getattr(evaluate, "setting", None)
        self.statement = statement
        self.criticality = criticality
        self.check = check
        self.remediation = remediation
        self.evaluate = evaluate            # function(context) -> (status, details)
        self.configurable = configurable    # the per-tenant exclusion ScubaGear allows, if any

    def describe(self):
        return dict(id=self.id, statement=self.statement, criticality=self.criticality, check=self.check,
                    remediation=self.remediation, source=SCUBA_SOURCE, configurable=self.configurable,
                    manual=getattr(self.evaluate, "manual", False))


class Context:
    """One tenant: the Exchange client, whether to fix, check mode, and the tenant's exclusions."""

    def __init__(self, client, remediate, check_mode, allowed_forwarding_domains=(), warning_rule=None, warn=None):
        self.client = client
        self.remediate = remediate
        self.check_mode = check_mode
        self.warn = warn or (lambda message: None)
        self.allowed_forwarding_domains = allowed(allowed_forwarding_domains, self.warn)
        self.warning_rule = dict(DEFAULT_WARNING_RULE, **(warning_rule or {}))
        if not str(self.warning_rule.get("prefix") or "").strip():
            # ScubaGear's Rego counts a rule only when count(PrependSubject) >= 1; a blank prefix would create a rule
            # that warns nobody and still fails the control.
            raise InvalidInputError("warning_rule.prefix must be a visible subject prefix such as '[EXTERNAL] '; "
                                    "a blank one warns nobody and does not meet MS.EXO.7.1v1.")
        self._domains = None

    @property
    def writing(self):
        return self.remediate and not self.check_mode

    def assessing_only(self):
        """This tenant's context for a control that must not be fixed: the same client and exclusions, no writes."""
        held = copy.copy(self)
        held.remediate = False
        return held

    def accepted_domains(self):
        if self._domains is None:
            rows = self.client.invoke("Get-AcceptedDomain", select=["DomainName"]).rows
            self._domains = sorted(str(r.get("DomainName")) for r in rows if r.get("DomainName"))
        return self._domains

    def converge(self, noun, identity, settings, create_parameters=None):
        """(needed, done): whether the object differed from ``settings`` and whether this run fixed it."""
        run = ObjectRun(self.client, noun, identity, settings, create_parameters)
        action = run.converge("present", check_mode=not self.writing)[0]
        if run.refused:
            raise InvalidInputError("%s refused %s (access denied)" % (noun, ", ".join(r["parameter"] for r in run.refused)))
        return action != "none", action != "none" and self.writing


def allowed(domains, warn):
    """ScubaGear's AllowedForwardingDomains, lower-cased (DNS names ignore case, RFC 4343). ``*`` is the Default
    remote domain's DomainName; ScubaGear removes it from the list with a warning and still judges the tenant
    (EXOConfig.rego: ConfiguredAllowedForwardingDomains is the configured set minus "*")."""
    names = [str(d).strip().lower() for d in domains or [] if str(d).strip()]
    if "*" in names:
        warn("allowed_forwarding_domains holds '*', which was ignored: only specific domains can be allow-listed per "
             "the SCuBA baseline, so the Default remote domain (DomainName '*') is still judged (MS.EXO.1.1v2).")
    return [d for d in names if d != "*"]


def _outcome(context, problems, what_was_done=None):
    if not problems:
        return "pass", []
    if context.writing:
        return "fixed", (what_was_done or problems)
    return "fail", problems


# -- the controls ------------------------------------------------------------------------------------------------

def _forwarding(context):
    """Every remote domain is read (Get-RemoteDomain takes no -Filter in Exchange Online: Microsoft Learn lists only
    Identity and ResultSize) and the allowed ones are left out here, by DomainName, as ScubaGear's Rego does."""
    run = SettingsRun(context.client, "RemoteDomain", [Desired("AutoForwardEnabled", False)])
    for rows, dummy_warnings in context.client.pages("Get-RemoteDomain", {}, select=run.select() + ["DomainName"]):
        for row in rows:
            if str(row.get("DomainName") or "").lower() not in context.allowed_forwarding_domains:
                run.consider(row)
    changes = run.changes
    problems = ["remote domain %s forwards automatically (AutoForwardEnabled true)" % c.identity for c in changes]
    if context.writing and changes:
        run.apply(changes)
        if run.failed:
            raise InvalidInputError("; ".join(f["reason"] for f in run.failed))
    return _outcome(context, problems)


def _singleton(noun, settings, describe):
    def evaluate(context):
        needed = context.converge(noun, None, settings)[0]
        return _outcome(context, [describe] if needed else [])
    if len(settings) == 1:
        evaluate.setting = (noun, list(settings)[0])
    return evaluate


def offends(entry, word):
    """ScubaGear's Rego for MS.EXO.6.x: a Domains entry that contains "*" anywhere and the word (case-sensitive
    ``contains``), such as ``*:CalendarSharingFreeBusySimple`` or ``*.contoso.com:ContactsSharing``."""
    return "*" in entry and word in entry


def without_action(entry, word):
    """``entry`` (``'Domain: Action1, Action2'``, Microsoft Learn Set-SharingPolicy -Domains) without the actions
    naming ``word``; None when nothing the control allows is left (no action, or the domain itself names it)."""
    domain, sep, actions = entry.partition(":")
    kept = [a.strip() for a in actions.split(",") if a.strip() and word not in a]
    if not sep or not kept or word in domain:
        return None
    return "%s:%s" % (domain.strip(), ",".join(kept))


def _sharing(word):
    def evaluate(context):
        rows = context.client.invoke("Get-SharingPolicy", select=["Identity", "Name", "Domains"]).rows
        problems = []
        for row in rows:
            domains = list(row.get("Domains") or [])
            offending = [d for d in domains if offends(d, word)]
            if offending:
                problems.append("sharing policy %s shares %s with all domains (%s)" % (
                    row.get("Name"), word.lower(), ", ".join(offending)))
                fixed = [d if not offends(d, word) else without_action(d, word) for d in domains]
                context.converge("SharingPolicy", row.get("Name"), {"Domains": [d for d in fixed if d is not None]})
        return _outcome(context, problems)
    return evaluate


def _warning_rule_compliant(row):
    """ScubaGear's Rego for MS.EXO.7.1 (EnabledRules): State == "Enabled", Mode == "Enforce",
    count(PrependSubject) >= 1 (a string of at least one character; null counts as none) and FromScope ==
    "NotInOrganization", compared exactly as Rego compares strings."""
    prefix = row.get("PrependSubject")
    return (row.get("State") == "Enabled" and row.get("Mode") == "Enforce"
            and isinstance(prefix, str) and len(prefix) >= 1 and row.get("FromScope") == "NotInOrganization")


def _external_warning(context):
    rows = context.client.invoke("Get-TransportRule", select=["Name", "State", "Mode", "PrependSubject",
                                                              "FromScope"]).rows
    compliant = [r.get("Name") for r in rows if _warning_rule_compliant(r)]
    if compliant:
        return "pass", ["transport rule %s warns of external senders" % compliant[0]]
    rule = context.warning_rule
    context.converge("TransportRule", rule["name"], {
        "State": "Enabled", "Mode": "Enforce", "FromScope": "NotInOrganization", "SenderAddressLocation": "Header",
        "PrependSubject": rule["prefix"]})
    return _outcome(context, ["no enabled, enforced transport rule prefixes the subject of external mail"],
                    ["transport rule %s now prefixes external mail with %r" % (rule["name"], rule["prefix"])])


def _dkim(context):
    """Exchange's half (a signing config, enabled) is fixed here; Status Valid means Exchange found the selector
    CNAMEs in DNS. An enabled config waiting for them is the DNS half: manual, naming the records to publish."""
    domains = [d for d in context.accepted_domains() if not d.lower().endswith(".mail.onmicrosoft.com")]
    problems, dns = [], []
    for domain in domains:
        row = _dkim_config(context, domain)
        if row and row.get("Enabled") and str(row.get("Status")).lower() != "valid":
            dns.append(_cnames(domain, row))
            continue
        if row and row.get("Enabled"):
            continue
        problems.append("DKIM signing is not enabled for %s" % domain)
        try:
            context.converge("DkimSigningConfig", domain, {"Enabled": True}, {"KeySize": 2048})
        except CspError as exc:
            if "cname" not in exc.message.lower():
                raise
            problems.pop()
            dns.append("publish the DKIM CNAMEs of %s (Exchange refused to enable signing): %s" % (domain, exc.message))
            continue
        if context.writing:
            row = _dkim_config(context, domain)
            if row and str(row.get("Status")).lower() != "valid":
                problems.pop()
                dns.append(_cnames(domain, row))
    if dns and not (problems and not context.writing):
        return "manual", dns + (["fixed: %s" % p for p in problems] if problems else [])
    return _outcome(context, problems)


def _cnames(domain, row):
    return ("publish the DKIM CNAMEs of %s: selector1._domainkey.%s -> %s and selector2._domainkey.%s -> %s"
            % (domain, domain, row.get("Selector1CNAME"), domain, row.get("Selector2CNAME")))


def _dkim_config(context, domain):
    try:
        rows = context.client.invoke("Get-DkimSigningConfig", {"Identity": domain},
                                     select=["Domain", "Enabled", "Status", "Selector1CNAME", "Selector2CNAME"]).rows
    except CspError as exc:
        if getattr(exc, "status", None) == 404 or "couldn't be found" in exc.message:
            return None
        raise
    return rows[0] if rows else None


def _dns(what):
    def evaluate(context):
        return "manual", [what % dict(domain=d) for d in context.accepted_domains()
                          if not d.lower().endswith(".mail.onmicrosoft.com")]
    evaluate.manual = True
    return evaluate


CONTROLS = [
    Control("MS.EXO.1.1v2", "Automatic forwarding to external domains SHALL be disabled.", "SHALL",
            "Get-RemoteDomain (every remote domain, filtered by DomainName here): AutoForwardEnabled false, except "
            "the tenant's allowed forwarding domains ('*' is ignored with a warning, as ScubaGear does).",
            "Set-RemoteDomain -AutoForwardEnabled $false on each remote domain that is not allowed.",
            _forwarding, configurable="allowed_forwarding_domains"),
    Control("MS.EXO.2.2v3", "An SPF policy SHALL be published for each domain that fails all non-approved senders.",
            "SHALL", "DNS: a TXT record 'v=spf1 ... -all' (or '~all', or a redirect to one) on each accepted domain.",
            "Publish the SPF record at the DNS host (outside Exchange).",
            _dns("TXT %(domain)s: v=spf1 ... ending in -all or ~all")),
    Control("MS.EXO.3.1v1", "DKIM SHOULD be enabled for all domains.", "SHOULD",
            "Get-DkimSigningConfig: Enabled and Status Valid (the selector CNAMEs resolve) for every accepted domain "
            "except *.mail.onmicrosoft.com.",
            "New-DkimSigningConfig -DomainName <domain> -KeySize 2048 / Set-DkimSigningConfig -Enabled $true; the "
            "two selector CNAMEs are published at the DNS host (reported as manual until they are).",
            _dkim),
    Control("MS.EXO.4.1v1", "A DMARC policy SHALL be published for every second-level domain.", "SHALL",
            "DNS: a TXT record at _dmarc.<domain> starting with 'v=DMARC1;'.",
            "Publish the DMARC record at the DNS host (outside Exchange).",
            _dns("TXT _dmarc.%(domain)s: starts with v=DMARC1;")),
    Control("MS.EXO.4.2v1", "The DMARC message rejection option SHALL be p=reject.", "SHALL",
            "DNS: the _dmarc record holds 'p=reject;'.", "Set p=reject in the DMARC record (outside Exchange).",
            _dns("TXT _dmarc.%(domain)s: p=reject;")),
    Control("MS.EXO.4.3v1", "The DMARC point of contact for aggregate reports SHALL include "
                            "reports@dmarc.cyber.dhs.gov.", "SHALL",
            "DNS: rua= of the _dmarc record includes mailto:reports@dmarc.cyber.dhs.gov (federal agencies).",
            "Add the address to rua= in the DMARC record (outside Exchange).",
            _dns("TXT _dmarc.%(domain)s: rua= includes mailto:reports@dmarc.cyber.dhs.gov")),
    Control("MS.EXO.4.4v1", "An agency point of contact SHOULD be included for aggregate and failure reports.",
            "SHOULD", "DNS: rua= lists at least two addresses and ruf= at least one.",
            "Add the agency's own addresses to rua= and ruf= (outside Exchange).",
            _dns("TXT _dmarc.%(domain)s: rua= has 2+ addresses, ruf= has 1+")),
    Control("MS.EXO.5.1v1", "SMTP AUTH SHALL be disabled.", "SHALL",
            "Get-TransportConfig: SmtpClientAuthenticationDisabled true.",
            "Set-TransportConfig -SmtpClientAuthenticationDisabled $true.",
            _singleton("TransportConfig", {"SmtpClientAuthenticationDisabled": True},
                       "SMTP AUTH is enabled for the organisation (SmtpClientAuthenticationDisabled false)")),
    Control("MS.EXO.6.1v1", "Contact folders SHALL NOT be shared with all domains.", "SHALL",
            "Get-SharingPolicy: no Domains entry of any policy contains both '*' and 'Contacts' (ScubaGear's Rego).",
            "Set-SharingPolicy -Domains with the Contacts actions dropped from those entries (an entry left with no "
            "action is dropped) on each such policy.",
            _sharing("Contacts")),
    Control("MS.EXO.6.2v1", "Calendar details SHALL NOT be shared with all domains.", "SHALL",
            "Get-SharingPolicy: no Domains entry of any policy contains both '*' and 'Calendar' (ScubaGear's Rego; "
            "this flags '*:CalendarSharingFreeBusySimple' too).",
            "Set-SharingPolicy -Domains with the Calendar actions dropped from those entries (an entry left with no "
            "action is dropped) on each such policy.",
            _sharing("Calendar")),
    Control("MS.EXO.7.1v1", "External sender warnings SHALL be implemented.", "SHALL",
            "Get-TransportRule: a rule with State Enabled, Mode Enforce, FromScope NotInOrganization and a "
            "PrependSubject of at least one character.",
            "New-TransportRule (or Set-/Enable-TransportRule) named 'External sender warning' prefixing the subject "
            "with '[EXTERNAL] ' for mail from outside the organisation.",
            _external_warning),
    Control("MS.EXO.13.1v1", "Mailbox auditing SHALL be enabled.", "SHALL",
            "Get-OrganizationConfig: AuditDisabled false.", "Set-OrganizationConfig -AuditDisabled $false.",
            _singleton("OrganizationConfig", {"AuditDisabled": False},
                       "mailbox auditing is disabled for the organisation (AuditDisabled true)")),
]
BY_ID = dict((c.id.lower(), c) for c in CONTROLS)


def select(ids):
    if not ids:
        return list(CONTROLS)
    unknown = [i for i in ids if i.lower() not in BY_ID]
    if unknown:
        raise InvalidInputError("Unknown control(s) %s; known: %s." % (", ".join(unknown),
                                                                       ", ".join(c.id for c in CONTROLS)))
    return [BY_ID[i.lower()] for i in ids]


def assess(context, controls, assess_only=()):
    """One result per control; a control that cannot be checked is an error, the others still run. The controls
    named in ``assess_only`` are checked but never fixed, even with remediate (the partner accepted the deviation)."""
    held = set(select(list(assess_only)) if assess_only else [])
    results = []
    for control in controls:
        try:
            status, details = control.evaluate(context.assessing_only() if control in held else context)
        except CspError as exc:
            status, details = "error", [exc.message]
        results.append(dict(control.describe(), status=status, details=details))
    return results
