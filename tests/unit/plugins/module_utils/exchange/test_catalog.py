"""Every cmdlet and parameter the collection itself can send, checked against Microsoft's cmdlet reference for
Exchange Online (the catalog generated from MicrosoftDocs/office-docs-powershell): the noun tables (nouns.py), the
SCuBA controls run against a tenant where every control fails and is fixed, the Set- previews of exo_command, the
roles' defaults, the examples (examples/, module EXAMPLES, playbooks). A new -Filter on a cmdlet without it fails
here, not at a customer."""
import glob
import os

import pytest
import yaml

from ansible_collections.csp.exchange.plugins.module_utils.errors import NotFoundError
from ansible_collections.csp.exchange.plugins.module_utils.exchange import nouns, scuba
from ansible_collections.csp.exchange.plugins.module_utils.exchange.client import ExchangeResult
from ansible_collections.csp.exchange.plugins.module_utils.exchange.parameter_check import CATALOG
from ansible_collections.csp.exchange.plugins.module_utils.exchange.preview import preview_set
from ansible_collections.csp.exchange.plugins.module_utils.exchange.settings import SINGLETON_NOUNS

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "..")
MODULES = ("exo_settings", "exo_object", "exo_command", "exo_settings_info")


class Call:
    """One cmdlet call the collection can send: ``complete`` calls carry every parameter (bound in full, mandatory
    parameters included); the others name parameters that join a call built later (Identity added per object)."""

    def __init__(self, origin, cmdlet, names, complete=False):
        self.origin = origin
        self.cmdlet = cmdlet
        self.names = [n for n in names if "@" not in n]
        self.complete = complete


def problems(calls):
    found = []
    for call in calls:
        if not CATALOG.knows(call.cmdlet):
            found.append("%s: %s is not an Exchange Online cmdlet" % (call.origin, call.cmdlet))
            continue
        binding = CATALOG.bind(call.cmdlet, call.names)
        if binding.unknown:
            nearest = CATALOG.nearest(call.cmdlet, binding.unknown[0])
            found.append("%s: %s takes no %s (nearest: %s)" % (call.origin, call.cmdlet, ", ".join(binding.unknown),
                                                               nearest))
        elif call.complete and not binding.ok:
            found.append("%s: %s %s does not bind (sets: %s, missing: %s)" % (
                call.origin, call.cmdlet, call.names, binding.conflicting, binding.missing))
    return found


# -- the noun tables ---------------------------------------------------------------------------------------------

def noun_calls():
    calls = []
    for noun, properties in sorted(nouns.DEFAULT_PROPERTIES.items()):
        name = CATALOG.name("Set-" + noun)[4:] if CATALOG.name("Set-" + noun) else noun
        create_only = set(p.lower() for p in nouns.create_only(noun))
        calls += object_calls("nouns.DEFAULT_PROPERTIES[%s]" % noun, name,
                              dict((p, None) for p in properties if p.lower() not in create_only),
                              dict((p, None) for p in nouns.create_only(noun)))
        calls.append(Call("exported read of %s" % noun, "Get-" + name, [] if noun in SINGLETON_NOUNS else ["Identity"]))
    for noun in sorted(nouns.STATE_NOUNS):
        name = CATALOG.name("Set-" + noun)[4:]
        calls += [Call("nouns.STATE_NOUNS", "%s-%s" % (verb, name), ["Identity"], complete=True)
                  for verb in ("Enable", "Disable")]
    for noun, takes in sorted(nouns.NEW_TAKES.items()):
        name = CATALOG.name("New-" + noun)[4:]
        calls.append(Call("nouns.NEW_TAKES[%s]" % noun, "New-" + name, [nouns.create_name(noun)] + list(takes)))
    for noun in sorted(SINGLETON_NOUNS):
        calls += [Call("settings.SINGLETON_NOUNS", "Get-" + CATALOG.name("Get-" + noun)[4:], [], complete=True),
                  Call("settings.SINGLETON_NOUNS", "Set-" + CATALOG.name("Set-" + noun)[4:], [])]
    calls.append(Call("nouns.CUSTOMIZATION_CMDLET", nouns.CUSTOMIZATION_CMDLET, [], complete=True))
    return calls


def object_calls(origin, noun, settings, create_parameters=None):
    """What exo_object sends for ``settings``: Set- (a rule's State through Enable-/Disable-, IsDefault as its
    switch), and New- with the create parameters and what New- takes."""
    calls, written = [], []
    for name in settings or {}:
        if nouns.has_state(noun) and name.lower() == nouns.STATE_PROPERTY.lower():
            calls += [Call(origin, "%s-%s" % (verb, noun), ["Identity"], complete=True)
                      for verb in ("Enable", "Disable")]
        else:
            written.append(nouns.SWITCHES.get(name.lower(), name))
    calls.append(Call(origin, "Set-" + noun, written))
    if create_parameters and noun.lower() not in SINGLETON_NOUNS:
        calls.append(Call(origin, "New-" + noun, [nouns.create_name(noun)] + list(create_parameters)))
    return calls


# -- the SCuBA controls, every one failing and fixed -------------------------------------------------------------

class Recorder:
    """A tenant where every SCuBA control fails: answers reads with non-compliant rows, records every call."""
    token_tenant = "contoso.onmicrosoft.com"
    ROWS = {
        "get-remotedomain": [{"Identity": "Default", "Name": "Default", "DomainName": "*", "AutoForwardEnabled": True}],
        "get-transportconfig": [{"Identity": "Transport", "SmtpClientAuthenticationDisabled": False}],
        "get-organizationconfig": [{"Identity": "contoso", "AuditDisabled": True}],
        "get-sharingpolicy": [{"Identity": "Default Sharing Policy", "Name": "Default Sharing Policy",
                               "Domains": ["*:CalendarSharingFreeBusySimple,ContactsSharing"]}],
        "get-transportrule": [],
        "get-accepteddomain": [{"DomainName": "contoso.com"}],
    }

    def __init__(self):
        self.calls = []

    def _answer(self, cmdlet, parameters):
        self.calls.append((cmdlet, dict(parameters or {})))
        created = set(c.lower() for c, dummy in self.calls if c.lower().startswith("new-"))
        if cmdlet.lower() == "get-dkimsigningconfig" and "new-dkimsigningconfig" in created:
            return ExchangeResult([{"Domain": "contoso.com", "Enabled": True, "Status": "Valid"}], [])
        if cmdlet.lower() == "get-dkimsigningconfig" or (cmdlet.lower() == "get-transportrule" and parameters):
            raise NotFoundError("The operation couldn't be performed because object 'x' couldn't be found.")
        return ExchangeResult([dict(r) for r in self.ROWS.get(cmdlet.lower(), [])], [])

    def invoke(self, cmdlet, parameters=None, **kwargs):
        return self._answer(cmdlet, parameters)

    def pages(self, cmdlet, parameters=None, **kwargs):
        yield self._answer(cmdlet, parameters).rows, []

    def batch(self, calls, **kwargs):
        return [self._answer(cmdlet, parameters) for cmdlet, parameters in calls]


def scuba_calls():
    recorder = Recorder()
    defaults = yaml.safe_load(open(os.path.join(ROOT, "roles", "scuba_exchange", "defaults", "main.yml")))
    context = scuba.Context(recorder, remediate=True, check_mode=False, allowed_forwarding_domains=["partner.example"],
                            warning_rule=defaults["scuba_exchange_warning_rule"])
    results = scuba.assess(context, scuba.CONTROLS)
    assert not [r for r in results if r["status"] == "error"], results
    fixable = {"MS.EXO.1.1v2", "MS.EXO.5.1v1", "MS.EXO.6.1v1", "MS.EXO.6.2v1", "MS.EXO.7.1v1", "MS.EXO.13.1v1"}
    assert {r["id"] for r in results if r["status"] == "fixed"} >= fixable
    return [Call("scuba %s" % cmdlet, cmdlet, list(parameters), complete=True) for cmdlet, parameters in recorder.calls]


# -- the Set- previews of exo_command ----------------------------------------------------------------------------

def preview_calls():
    """exo_command's check mode reads a Set-'s object with its Get-: for every Set- of the reference with a Get-."""
    calls = []
    for name in CATALOG.names():
        if not name.startswith("Set-") or not CATALOG.knows("Get-" + name[4:]):
            continue
        recorder = Recorder()
        parameters = {"Identity": "x"} if CATALOG.parameter(name, "Identity") else {}
        preview_set(recorder, name, parameters)
        calls += [Call("preview of %s" % name, cmdlet, list(p), complete=True) for cmdlet, p in recorder.calls]
    return calls


# -- roles' defaults, examples, playbooks ---------------------------------------------------------------------------

def literal(value):
    return not (isinstance(value, str) and "{{" in value)


def task_calls(origin, module, args):
    """What one task of the collection's modules sends, from its literal arguments."""
    calls = []
    if module == "exo_command" and literal(args.get("cmdlet")) and isinstance(args.get("parameters") or {}, dict):
        calls.append(Call(origin, args["cmdlet"], list(args.get("parameters") or {})))
    if module in ("exo_settings", "exo_settings_info"):
        rules = args.get("rules") if isinstance(args.get("rules"), list) else [args]
        for rule in rules:
            noun = rule.get("object")
            if not noun or not literal(noun):
                continue
            if module == "exo_settings" and isinstance(rule.get("settings"), dict):
                calls.append(Call(origin, "Set-" + noun, list(rule["settings"])))
            if rule.get("filter"):
                calls.append(Call(origin, "Get-" + noun, ["Filter"]))
    if module == "exo_object" and literal(args.get("object")) and args.get("object"):
        settings = args.get("settings") if isinstance(args.get("settings"), dict) else {}
        create = args.get("create_parameters") if isinstance(args.get("create_parameters"), dict) else {}
        calls += object_calls(origin, args["object"], settings, create)
    return calls


def tasks_in(document):
    """Tasks anywhere in a playbook or task list (plays, blocks)."""
    for item in document if isinstance(document, list) else []:
        if not isinstance(item, dict):
            continue
        for key in ("tasks", "pre_tasks", "post_tasks", "handlers", "block", "rescue", "always"):
            yield from tasks_in(item.get(key))
        for module in MODULES:
            for name in (module, "csp.exchange." + module):
                if isinstance(item.get(name), dict):
                    yield module, item[name]


def baseline_calls(origin, variables):
    """The baseline and object roles' variables, as their tasks turn them into module arguments."""
    calls = []
    if isinstance(variables.get("exchange_baseline_organization"), dict):
        calls.append(Call(origin, "Set-OrganizationConfig", list(variables["exchange_baseline_organization"])))
    nouns_of = {"exchange_baseline_mailboxes": "Mailbox", "exchange_baseline_cas_mailboxes": "CASMailbox"}
    names = {"organization": "OrganizationConfig"}
    for key, noun in nouns_of.items():
        for rule in variables.get(key) or []:
            names[rule.get("name")] = noun
            calls += task_calls(origin, "exo_settings", dict(rule, object=noun))
    for rule, settings in (variables.get("exchange_baseline_overrides") or {}).items():
        calls.append(Call("%s overrides[%s]" % (origin, rule), "Set-" + names.get(rule, "Mailbox"), list(settings)))
    for item in variables.get("exchange_objects_list") or []:
        calls += task_calls(origin, "exo_object", item)
    # The retirements role: one Set- per item, holding exactly the item's settings (so the call must bind whole).
    for item, noun in (("ews", "OrganizationConfig"), ("smtp_auth", "TransportConfig"),
                       ("direct_send", "OrganizationConfig")):
        settings = variables.get("exchange_retirements_" + item)
        if settings:
            calls.append(Call("%s exchange_retirements_%s" % (origin, item), "Set-" + noun, list(settings),
                              complete=True))
        override = (variables.get("exchange_retirements_overrides") or {}).get(item)
        if override:
            calls.append(Call("%s overrides[%s]" % (origin, item), "Set-" + noun, list(override)))
    return calls


def role_default_calls(defaults=None):
    """``defaults``: {role: variables}; by default every role's defaults/main.yml."""
    if defaults is None:
        defaults = dict((os.path.basename(os.path.dirname(os.path.dirname(path))), yaml.safe_load(open(path)) or {})
                        for path in glob.glob(os.path.join(ROOT, "roles", "*", "defaults", "main.yml")))
    calls = []
    for role, variables in sorted(defaults.items()):
        calls += baseline_calls("roles/%s/defaults" % role, variables)
    return calls


def example_calls():
    calls = []
    for path in sorted(glob.glob(os.path.join(ROOT, "examples", "**", "*.yml"), recursive=True)):
        document = yaml.safe_load(open(path))
        if isinstance(document, dict):
            calls += baseline_calls(os.path.relpath(path, ROOT), document)
    for path in sorted(glob.glob(os.path.join(ROOT, "playbooks", "*.yml"))):
        for module, args in tasks_in(yaml.safe_load(open(path))):
            calls += task_calls(os.path.relpath(path, ROOT), module, args)
    for module in MODULES:
        source = open(os.path.join(ROOT, "plugins", "modules", module + ".py")).read()
        examples = source.split('EXAMPLES = r"""', 1)[1].split('"""', 1)[0]
        for task_module, args in tasks_in(yaml.safe_load(examples)):
            calls += task_calls("EXAMPLES of %s" % module, task_module, args)
    return calls


def test_everything_the_collection_can_send_exists_in_exchange_online(capsys):
    calls = noun_calls() + scuba_calls() + preview_calls() + role_default_calls() + example_calls()
    found = problems(calls)
    cmdlets = set(CATALOG.name(c.cmdlet) or c.cmdlet for c in calls)
    pairs = set((CATALOG.name(c.cmdlet) or c.cmdlet, n.lower()) for c in calls for n in c.names)
    with capsys.disabled():
        print("\ncatalog check: %d cmdlets and %d parameters the collection can send, from %d call sites, against "
              "MicrosoftDocs/office-docs-powershell@%s: %s" % (
                  len(cmdlets), len(pairs), len(calls), CATALOG.commit,
                  "all exist" if not found else "%d problems" % len(found)))
    assert not found, "\n".join(found)
    assert {"Get-RemoteDomain", "Set-SharingPolicy", "New-TransportRule", "Set-OrganizationConfig"} <= cmdlets


def test_a_wrong_parameter_in_a_role_default_fails_the_check():
    defaults = dict((os.path.basename(os.path.dirname(os.path.dirname(path))), yaml.safe_load(open(path)) or {})
                    for path in glob.glob(os.path.join(ROOT, "roles", "*", "defaults", "main.yml")))
    assert not problems(role_default_calls(defaults))
    defaults["exchange_baseline"]["exchange_baseline_organization"] = {"AuditDisabled": False, "AuditDisable": False}
    defaults["exchange_baseline"]["exchange_baseline_mailboxes"] = [
        {"name": "all", "filter": "Alias -ne 'x'", "settings": {"ProhibitSendQuta": "49GB"}}]
    found = problems(role_default_calls(defaults))
    assert len(found) == 2, found
    assert "Set-OrganizationConfig takes no AuditDisable" in found[0] and "AuditDisabled" in found[0]
    assert "Set-Mailbox takes no ProhibitSendQuta" in found[1] and "ProhibitSendQuota" in found[1]


def test_a_filter_on_get_remote_domain_fails_the_check():
    """The mistake that reached the real service: Get-RemoteDomain takes no -Filter in Exchange Online."""
    found = problems([Call("forwarding control", "Get-RemoteDomain", ["Filter"], complete=True)])
    assert found == ["forwarding control: Get-RemoteDomain takes no Filter (nearest: [])"]


@pytest.mark.parametrize("cmdlet", ["Get-RemoteDomain", "Set-Mailbox", "New-TransportRule", "Set-SharingPolicy"])
def test_the_catalog_records_its_source(cmdlet):
    assert len(CATALOG.commit) == 40 and CATALOG.source["repository"] == "MicrosoftDocs/office-docs-powershell"
    assert CATALOG.knows(cmdlet) and CATALOG.parameters(cmdlet)
