# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What Exchange Online's cmdlets mean for retries: which errors are transient, which verbs only read, and which
calls may be resent after a lost answer (the never-resend rule starts here)."""

# Exchange exceptions that mean "try again" (EXO V3 module, ExoHelper, Partner-Center-PowerShell #409).
TRANSIENT_EXCHANGE_EXCEPTIONS = (
    "DCOverloadedException",
    "SuitabilityDirectoryException",
    "ServerInMMException",
    "ADServerSettingsChangedException",
    "StorageTransientException",
    "UnableToWriteToAadException",
    "ADTransientException",
    "RequestTimeout",
)

CONCURRENCY_MESSAGE = "maximum number of concurrent requests per tenant"


def is_throttled(response):
    """Exchange's per-tenant concurrency limit: answered before the cmdlet ran, so the call may be resent even when
    it is not idempotent (the V3 module's own retry treats it as throttling)."""
    return CONCURRENCY_MESSAGE in response.text[:300]


READ_ONLY_VERBS = frozenset(["get", "test", "search", "export", "find", "measure", "show", "resolve", "compare"])
DESTRUCTIVE_VERBS = frozenset(["remove", "disable", "clear", "uninstall", "unregister", "revoke"])


def cmdlet_verb(cmdlet):
    return cmdlet.split("-", 1)[0].lower()


def is_read_only(cmdlet):
    return cmdlet_verb(cmdlet) in READ_ONLY_VERBS


def is_idempotent(cmdlet, parameters=None):
    """True when sending the cmdlet twice has the effect of sending it once.

    A ``Set-`` with absolute values is idempotent; one carrying a GenericHashTable ``Add``/``Remove``, or renaming its
    object (a second one no longer finds it), is not, and neither is any other verb, to be safe.
    """
    verb = cmdlet_verb(cmdlet)
    if verb in READ_ONLY_VERBS:
        return True
    if verb != "set":
        return False
    named = dict((k.lower(), v) for k, v in (parameters or {}).items())
    if "name" in named and "identity" in named and str(named["name"]).lower() != str(named["identity"]).lower():
        return False
    for value in (parameters or {}).values():
        if isinstance(value, dict) and any(k.lower() in ("add", "remove") for k in value):
            return False
    return True
