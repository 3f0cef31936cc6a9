# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Refuse, before any request, a parameter an Exchange Online cmdlet does not take.

Exchange answers an unknown parameter with a 400 that names no alternative; a misspelt property in a baseline would
otherwise fail at every customer at once. The facts are Microsoft's cmdlet reference (``catalog.py``). A cmdlet the
reference does not know (a new one, or one this copy predates) is sent unchecked: the service decides, and check mode
says that it was not checked.
"""

from . import nouns
from ..errors import InvalidInputError
from .catalog import Catalog
from .catalog_data import CMDLETS, SOURCE, TYPES


CATALOG = Catalog(SOURCE, TYPES, CMDLETS)
REFERENCE = "Microsoft's cmdlet reference (MicrosoftDocs/office-docs-powershell %s)" % SOURCE["commit"][:12]


def takes(cmdlet, parameter):
    """Whether ``cmdlet`` takes ``parameter`` in Exchange Online; True for a cmdlet the reference does not know."""
    return not CATALOG.knows(cmdlet) or CATALOG.parameter(cmdlet, parameter) is not None


def _unknown_sentence(cmdlet, unknown, what):
    parts = []
    for name in unknown:
        nearest = CATALOG.nearest(cmdlet, name)
        parts.append("%s (nearest valid: %s)" % (name, ", ".join(nearest)) if nearest else
                     "%s (no similar name)" % name)
    return "%s takes no %s %s in Exchange Online according to %s, so nothing was sent." % (
        CATALOG.name(cmdlet) or cmdlet, what + ("s" if len(unknown) > 1 else ""), "; ".join(parts), REFERENCE)


def _unchecked(cmdlet, warn, check_mode):
    if check_mode and warn is not None:
        warn("%s is not in %s, so its parameters were not checked before sending." % (cmdlet, REFERENCE))


def check_parameters(cmdlet, names, warn=None, check_mode=False, what="parameter"):
    """Raise InvalidInputError naming every name ``cmdlet`` does not take, with the nearest valid names. True when
    the names were checked, False for a cmdlet the reference does not know (warned about in check mode)."""
    if not CATALOG.knows(cmdlet):
        _unchecked(cmdlet, warn, check_mode)
        return False
    unknown = CATALOG.unknown(cmdlet, list(names))
    if unknown:
        raise InvalidInputError(_unknown_sentence(cmdlet, unknown, what))
    return True


def check_settings(noun, settings, opath_filter=None, warn=None, check_mode=False):
    """exo_settings: the properties are written with ``Set-<noun>``; a filter is read with ``Get-<noun> -Filter``."""
    check_parameters("Set-%s" % noun, list(settings or {}), warn, check_mode, what="property")
    if opath_filter:
        check_parameters("Get-%s" % noun, ["Filter"], warn, check_mode)


def check_object(noun, settings, create_parameters, warn=None, check_mode=False):
    """exo_object: settings are compared and written with ``Set-<noun>`` (a rule's State through Enable-/Disable-,
    ``IsDefault`` as the switch it maps to); create_parameters go to ``New-<noun>`` only."""
    written = []
    for name in settings or {}:
        if nouns.has_state(noun) and name.lower() == nouns.STATE_PROPERTY.lower():
            continue
        if name.lower() == "name":
            continue        # New- names the object; a rename is decided where the name is (objects.py)
        written.append(nouns.SWITCHES.get(name.lower(), name))
    set_cmdlet = "Set-%s" % noun
    if CATALOG.knows(set_cmdlet):
        unknown = CATALOG.unknown(set_cmdlet, written)
        if unknown:
            raise InvalidInputError(_unknown_sentence(set_cmdlet, unknown, "property"))
    else:
        _unchecked(set_cmdlet, warn, check_mode)
    if create_parameters:
        check_parameters("New-%s" % noun, list(create_parameters), warn, check_mode)
