"""Cmdlet registry, parameter binding and the pieces every cmdlet shares (lookup, -Filter,
-ResultSize, applying Set-* parameters with the no-op warning).

A cmdlet is a function ``run(call, params) -> CmdletResult`` registered with ``@cmdlet(...)``;
``params`` maps lower-case parameter names to the raw JSON values. Binding follows Microsoft's cmdlet reference
(``reference.py``) first, as Exchange Online does: a parameter the cmdlet does not take in Exchange Online, names
that share no parameter set, or a mandatory parameter left out get the service's 400. Only then does the emulation
ask whether it models the parameter: one the service takes but the sandbox does not model is refused with an answer
that says so, never ignored.
"""
from . import errors
from .filters import compile_filter
from .model import Schema
from .reference import CATALOG
from .values import UNLIMITED

MORE_RESULTS = ("There are more results available than are currently displayed. To view them, increase the "
                "value for the ResultSize parameter.")
WRITE_CONTROL = ("Confirm",)
REGISTRY = {}


class Cmdlet:
    def __init__(self, name, run, parameters, mandatory):
        self.name = name
        self.run = run
        self.write = not name.lower().startswith("get-")
        control = [p for p in WRITE_CONTROL if self.write and takes(name, p)]
        self.parameters = {p.lower(): p for p in (*parameters, *control)}
        self.mandatory = tuple(mandatory)

    def bind(self, raw_parameters):
        if raw_parameters is None:
            raw_parameters = {}
        if not isinstance(raw_parameters, dict):
            raise errors.cannot_convert("Parameters", raw_parameters, "System.Collections.Hashtable",
                                        "Parameters must be a JSON object.")
        # "<Param>@odata.type" siblings annotate arrays of hashtables; they are not parameters.
        given = {name: value for name, value in raw_parameters.items() if "@odata.type" not in name}
        binding = CATALOG.bind(self.name, list(given))
        if binding is not None:
            if binding.unknown:
                raise errors.unknown_parameter(binding.unknown[0])
            if binding.conflicting:
                raise errors.unknown_parameter(" ".join(binding.conflicting))
            if binding.missing:
                raise errors.missing_parameters(binding.missing)
        bound = {}
        for name, value in given.items():
            if name.lower() not in self.parameters:
                if binding is not None:
                    raise errors.not_emulated(self.name, CATALOG.parameter(self.name, name).name)
                raise errors.unknown_parameter(name)
            bound[name.lower()] = value
        missing = [p for p in self.mandatory if p.lower() not in bound]
        if missing:
            raise errors.missing_parameters(missing)
        return bound


def takes(cmdlet_name, parameter):
    """Whether Exchange Online's ``cmdlet_name`` takes ``parameter`` (a cmdlet the reference lacks takes anything the
    emulation registers)."""
    return not CATALOG.knows(cmdlet_name) or CATALOG.parameter(cmdlet_name, parameter) is not None


def cmdlet(name, parameters=(), mandatory=(), settable=None):
    """Register ``run`` as cmdlet ``name``; ``settable`` adds a schema's settable properties as parameters."""
    def register(run):
        names = list(parameters) + ([p.name for p in settable.settable.values()] if settable else [])
        REGISTRY[name.lower()] = Cmdlet(name, run, names, mandatory)
        return run
    return register


class CmdletResult:
    """Objects a cmdlet returned, rendered only when a page of rows is asked for."""
    __slots__ = ("objects", "schema", "props", "warnings")

    def __init__(self, objects=(), schema=None, warnings=()):
        self.objects = list(objects)
        self.schema = schema
        self.props = schema.props if schema else ()
        self.warnings = list(warnings)

    def select(self, names):
        """Apply ``$select`` (server-side projection)."""
        if names and self.schema:
            self.props = self.schema.select(names)
        return self

    def rows(self, start=0, stop=None):
        return [Schema.render(obj, self.props) for obj in self.objects[start:stop]]


class Call:
    """One cmdlet invocation: the organisation, the time, and the replication lag for new objects."""

    def __init__(self, org, now, replication_lag_s):
        self.org = org
        self.now = now
        self.replication_lag_s = replication_lag_s

    def find(self, identity, types):
        """The recipient of one of ``types`` that ``identity`` names, or the 404 Exchange answers."""
        recipient = self.org.directory.find(str(identity))
        if not isinstance(recipient, types) or getattr(recipient, "visible_from", 0) > self.now:
            raise errors.not_found(str(identity), self.org.dc)
        return recipient

    def resolve_recipient(self, identity):
        """For parameters naming another recipient (ForwardingAddress, GrantSendOnBehalfTo)."""
        recipient = self.org.directory.find(identity)
        if recipient is None or getattr(recipient, "visible_from", 0) > self.now:
            raise errors.recipient_not_found(identity)
        return recipient


def result_size(params):
    """-ResultSize: a positive int, a numeric string, or ``Unlimited`` (the default here, as paging ends)."""
    raw = params.get("resultsize", "Unlimited")
    if isinstance(raw, str) and raw.strip().lower() == "unlimited":
        return UNLIMITED
    text = str(raw).strip() if isinstance(raw, (int, str)) and not isinstance(raw, bool) else ""
    if not text.isdigit() or int(text) < 1:
        raise errors.cannot_convert("ResultSize", raw, "Microsoft.Exchange.Data.Unlimited`1[System.UInt32]",
                                    "The value must be a positive number or 'Unlimited'.")
    return int(text)


def listing(call, candidates, params, schema, types):
    """The common Get-* shape: -Identity picks one, else -Filter and -ResultSize apply to ``candidates``."""
    if params.get("identity") is not None:
        return CmdletResult([call.find(params["identity"], types)], schema)
    limit = result_size(params)
    if "filter" in params and params["filter"] not in (None, ""):
        predicate = compile_filter(str(params["filter"]), schema)
        candidates = (obj for obj in candidates if predicate(obj))
    objects, warnings = [], []
    for obj in candidates:
        if limit is not UNLIMITED and len(objects) == limit:
            warnings.append(MORE_RESULTS)
            break
        objects.append(obj)
    return CmdletResult(objects, schema, warnings)


def coerce_settings(call, obj, params, schema):
    """Set-* parameters turned into typed values keyed by attribute; nothing is written yet."""
    return {prop.attr: prop.kind.coerce(prop.name, params[key], getattr(obj, prop.attr), call)
            for key, prop in schema.settable.items() if key in params}


def apply_settings(call, obj, changes):
    """Write the values that differ. A Set that changes nothing answers the warning clients read as
    "not changed"; a change moves WhenChanged."""
    changed = {attr: value for attr, value in changes.items() if getattr(obj, attr) != value}
    if not changed:
        return CmdletResult(warnings=[f"The command completed successfully but no settings of "
                                      f"'{obj.identity}' have been modified."])
    for attr, value in changed.items():
        setattr(obj, attr, value)
    obj.when_changed = call.now
    return CmdletResult()
