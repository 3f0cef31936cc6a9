# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Check mode for one ``Set-X`` cmdlet: read the object with ``Get-X`` and compare the parameters the way
exo_settings compares desired values, so check mode says "changed" only where a real run would change something."""

from ..errors import CspError
from .parameter_check import takes
from .settings import Desired, compare, is_singleton, resolve_members


GENERIC_HASH_TABLE = "#Exchange.GenericHashTable"
NOT_COMPARED = ("identity", "confirm")


class Preview:
    """``changed`` True/False when known, None when it cannot be predicted (``reason`` says why)."""

    def __init__(self, changed, reason=None, change=None):
        self.changed = changed
        self.reason = reason
        self.change = change


def _desired(name, value):
    """A Desired for one Set- parameter; a GenericHashTable with one of Add/Remove becomes that list operation."""
    if isinstance(value, dict):
        operations = dict((k.lower(), v) for k, v in value.items() if k != "@odata.type")
        if value.get("@odata.type") != GENERIC_HASH_TABLE or len(operations) != 1 or \
                not set(operations) <= set(["add", "remove"]):
            raise ValueError("%s is a hashtable other than one Add or Remove" % name)
        value = operations
    return Desired(name, value)


def preview_set(client, cmdlet, parameters, anchor=None):
    """What ``cmdlet`` (a Set-) would do, read with its Get- counterpart (sent read-only)."""
    noun = cmdlet.split("-", 1)[1]
    identity = next((v for k, v in parameters.items() if k.lower() == "identity"), None)
    if identity is None and not is_singleton(noun):
        return Preview(None, "%s has no Identity to read back" % cmdlet)
    try:
        desired = [_desired(k, v) for k, v in parameters.items() if k.lower() not in NOT_COMPARED]
    except (CspError, ValueError) as exc:
        return Preview(None, "its parameters cannot be compared (%s)" % getattr(exc, "message", exc))
    get = "Get-%s" % noun
    try:
        resolve_members(client, desired)
        # Some Get- cmdlets take no -Identity where their Set- does (Get-ArcConfig, Get-IRMConfiguration: Microsoft
        # Learn); they show the one organisation object.
        read = {"Identity": identity} if identity is not None and takes(get, "Identity") else {}
        rows = client.invoke(get, read, anchor=anchor).rows
    except CspError as exc:
        return Preview(None, "%s could not be read: %s" % (get, exc.message))
    if len(rows) != 1:
        return Preview(None, "%s returned %d objects, not one" % (get, len(rows)))
    shown = set(k.lower() for k in rows[0])
    unseen = [d.name for d in desired if d.name.lower() not in shown]
    if unseen:
        return Preview(None, "%s does not show %s" % (get, ", ".join(unseen)))
    try:
        change = compare(rows[0], desired, singleton=True)
    except CspError as exc:
        return Preview(None, exc.message)
    return Preview(change is not None, change=change)
