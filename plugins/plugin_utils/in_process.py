# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run a csp.exchange module inside the worker process Ansible already forked for the task.

Every module here talks HTTPS to Microsoft from the controller (``connection: local``). Started the usual way,
each task costs a new Python process that unpacks AnsiballZ, imports ``ansible.module_utils.basic``, requests
and msal and compiles our module_utils from a zip: measured at about twice the CPU of ``ansible.builtin.ping``,
which at a thousand tenants is most of the run. The worker is a fresh fork for this one task and host, so the
module's ``main()`` can run in it with the same isolation (the approach ansible.netcommon takes for network
modules, "direct execution"), and what it imports is already in memory: ``preload`` imports it when
ansible-playbook loads the action plugin, before the fork.

The module code is the same either way: ``CspModule`` takes an ``InProcessModule`` instead of ``AnsibleModule``
(``module_utils.module.in_process``). Argument validation is ansible-core's own ``ArgumentSpecValidator`` (what
AnsibleModule runs), and values of ``no_log`` options are masked in the result the way AnsibleModule masks
them. Anything the worker cannot do exactly as a module process would falls back to the module process.
"""

import copy
import importlib
import importlib.util
import json
import os
import sys
import traceback

from ansible import constants as C
from ansible.errors import AnsibleError
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.json import Direction, get_module_decoder, get_module_encoder
from ansible.module_utils.common.parameters import remove_values
from ansible.module_utils.errors import UnsupportedError
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

try:        # ansible-core's own switch for tracebacks in results (DISPLAY_TRACEBACK)
    from ansible.module_utils._internal import _traceback
except ImportError:     # pragma: no cover - a core without it shows no module tracebacks either
    _traceback = None


display = Display()

# The variable (or environment variable) that turns direct execution off, for a partner who wants every task in
# its own process with ansible_python_interpreter (for example a separate virtualenv for msal and requests).
SWITCH_VAR = "csp_exchange_in_process"
SWITCH_ENV = "CSP_IN_PROCESS"
# The oldest versions requirements.txt allows: older libraries on the controller mean a module process, whose
# interpreter (ansible_python_interpreter) may have the right ones.
REQUIRED_LIBRARIES = (("requests", "2.32"), ("msal", "1.30"), ("cryptography", "3.3"))
# The serialization profile of a module without METADATA (every csp.exchange module): what a module process
# encodes its result with.
MODULE_PROFILE = "legacy"
LOCAL_CONNECTIONS = ("local", "ansible.builtin.local", "ansible.legacy.local")


def preload(module_name):
    """Import a module and what it runs with (requests, msal, module_utils) when its action plugin is imported.

    ansible-playbook's linear strategy imports each task's action plugin in its main process before forking the
    workers for the task, so whatever is imported here is already in memory in every worker (shared pages after
    the fork) instead of imported again for every task and host."""
    for name in ("msal", "ansible_collections.csp.exchange.plugins.modules." + module_name):
        try:
            importlib.import_module(name)
        except ImportError:
            pass        # the task then runs as a module process (InProcessAction._not_in_process_because)
    library_problem()


class ModuleExit(SystemExit):
    """Raised by exit_json/fail_json: leaves ``main()`` the way ``sys.exit`` leaves a module process (it passes
    through ``except Exception``), carrying the result."""

    def __init__(self, result):
        super(ModuleExit, self).__init__(0)
        self.result = result


class InProcessModule:
    """What the collection's modules use of AnsibleModule, for a run inside the worker.

    ``InProcessModule.factory(name, (args, check_mode, diff, inject_invocation))`` gives the callable ``CspModule``
    builds its module with, in place of ``AnsibleModule(argument_spec=..., **kwargs)``."""

    def __init__(self, name, run, argument_spec, supports_check_mode=False, mutually_exclusive=None,
                 required_together=None, required_one_of=None, required_if=None, required_by=None, no_log=False,
                 no_log_values=None):
        self._name = name
        self.no_log = no_log        # AnsibleModule: no syslog line for the invocation; a worker writes none anyway
        args, check_mode, diff, self._inject_invocation = run
        self.argument_spec = argument_spec
        self.check_mode = check_mode
        self._diff = diff
        self._warnings = []
        self._deprecations = []
        self.no_log_values = set() if no_log_values is None else no_log_values
        validator = ArgumentSpecValidator(argument_spec, mutually_exclusive, required_together, required_one_of,
                                          required_if, required_by)
        result = validator.validate(copy.deepcopy(args))
        self.params = result.validated_parameters
        self.no_log_values.update(result._no_log_values)
        for warning in result._warnings:
            self.warn("Both option {option} and its alias {alias} are set.".format(**warning))
        self._deprecations.extend(result._deprecations)
        if result.errors.errors:
            msg = result.errors.msg
            if isinstance(result.errors.errors[0], UnsupportedError):
                msg = "Unsupported parameters for (%s) module: %s" % (name, msg)
            self.fail_json(msg=msg)
        if check_mode and not supports_check_mode:
            self.exit_json(skipped=True, msg="module (%s) does not support check mode" % name)

    @classmethod
    def factory(cls, name, run):
        def build(argument_spec, **kwargs):
            # The module's own set, shared: an error raised anywhere in the run is masked with it.
            return cls(name, run, argument_spec, no_log_values=build.no_log_values, **kwargs)
        build.no_log_values = set()
        return build

    def warn(self, warning):
        self._warnings.append(warning)

    def exit_json(self, **result):
        raise ModuleExit(self._formatted(result))

    def fail_json(self, msg, **result):
        result.update(failed=True, msg=str(msg))
        trace = _error_traceback()
        if trace and "exception" not in result:
            result["exception"] = trace         # as AnsibleModule.fail_json adds it when DISPLAY_TRACEBACK asks
        raise ModuleExit(self._formatted(result))

    def _formatted(self, result):
        """As AnsibleModule returns a result: warnings and deprecations attached, no_log values masked (booleans and
        None kept, which masking would otherwise turn into strings)."""
        if self._warnings:
            result["warnings"] = list(self._warnings)
        if self._deprecations:
            result["deprecations"] = list(self._deprecations)
        if self._inject_invocation:
            result.setdefault("invocation", dict(module_args=self.params))
        preserved = dict((k, v) for k, v in result.items() if v is None or isinstance(v, bool))
        result = remove_values(result, self.no_log_values)
        result.update(preserved)
        return result


class InProcessAction(ActionBase):
    """The action plugin of a csp.exchange module: runs the module's ``main()`` in this worker when the task
    targets the controller itself, else (another host or interpreter, become, async, a task ``environment``, direct
    execution switched off, a library missing or too old in the controller's Python) hands the task to ansible-core's
    ``normal`` action plugin, which sends the module as usual."""

    _supports_check_mode = True
    _supports_async = True

    def run(self, tmp=None, task_vars=None):
        task_vars = task_vars or {}
        reason = self._not_in_process_because(task_vars)
        if reason:
            display.vvvv("%s runs as a module process: %s" % (self._task.action, reason))
            return self._normal_action().run(tmp=tmp, task_vars=task_vars)
        result = super(InProcessAction, self).run(tmp, task_vars)
        del tmp
        display.vvvv("%s runs in the worker process" % self._task.action)
        result.update(self._run_in_process(task_vars))
        return result

    def _normal_action(self):
        """ansible-core's own action plugin for a module, for this task (what runs the module without us)."""
        return self._shared_loader_obj.action_loader.get(
            "ansible.legacy.normal", task=self._task, connection=self._connection, play_context=self._play_context,
            loader=self._loader, templar=self._templar, shared_loader_obj=self._shared_loader_obj)

    def _not_in_process_because(self, task_vars):
        # Unset: the worker where it can serve the task exactly. False: never. True: also where
        # ansible_python_interpreter names another interpreter (whoever sets it vouches that the controller's Python
        # serves as well, e.g. a wrapper that runs the same Python).
        switch = task_vars.get(SWITCH_VAR, os.environ.get(SWITCH_ENV))
        forced = switch is not None and boolean(self._templar.template(switch), strict=False)
        if switch is not None and not forced:
            return "%s (or %s) is false" % (SWITCH_VAR, SWITCH_ENV)
        if self._connection.transport not in LOCAL_CONNECTIONS:
            return "the connection is %s, not local" % self._connection.transport
        if self._task.async_val:
            return "async"
        if self._play_context.become:
            return "become"
        environment = {}
        self._compute_environment_string(environment)
        if environment:
            return "the task sets environment"
        interpreter = self._templar.template(task_vars.get("ansible_python_interpreter") or "")
        if interpreter and not forced and not str(interpreter).startswith("auto") and not same_interpreter(str(interpreter)):
            return "ansible_python_interpreter is %s, not the controller's %s" % (interpreter, sys.executable)
        return library_problem()

    def _run_in_process(self, task_vars, action=None, args=None):
        """Run the task's module (or ``action`` with ``args``, for an action plugin that drives another module)."""
        # Imported on this path only: the module base brings ansible.module_utils.basic with it.
        from ansible_collections.csp.exchange.plugins.module_utils import module as module_base

        context = self._shared_loader_obj.module_loader.find_plugin_with_context(
            action or self._task.action, collection_list=self._task.collections)
        name = context.resolved_fqcn
        build = InProcessModule.factory(name, (_as_a_module_receives(self._task.args if args is None else args),
                                               bool(self._task.check_mode), bool(self._task.diff),
                                               _inject_invocation(task_vars)))
        try:
            code = importlib.import_module(context.plugin_resolved_name)
            with module_base.in_process(build):
                code.main()
        except ModuleExit as done:
            return self._as_from_a_module_process(done.result)
        except Exception as exc:  # noqa: B902 - what a module process would report as MODULE FAILURE, masked
            msg = "Module %s failed in the worker process: %s: %s" % (name, type(exc).__name__, exc)
            result = dict(failed=True, msg=remove_values(msg, build.no_log_values))
            trace = _error_traceback()
            if trace:
                result["exception"] = remove_values(trace, build.no_log_values)
            return self._as_from_a_module_process(result)
        return self._as_from_a_module_process(dict(failed=True, msg="Module %s returned without a result." % name))

    def _as_from_a_module_process(self, result):
        """The result as it would come from a module process: encoded by the module-side JSON encoder (tuples and
        sets become lists, bytes text), parsed by ansible-core's own ``_parse_returned_data``, internal keys removed."""
        stdout = json.dumps(result, cls=get_module_encoder(MODULE_PROFILE, Direction.MODULE_TO_CONTROLLER))
        parsed = self._parse_returned_data(dict(rc=0, stdout=stdout, stdout_lines=[stdout], stderr="",
                                                stderr_lines=[]), MODULE_PROFILE)
        if hasattr(parsed, "remove_internal_keys"):        # ansible-core 2.21: a task result object
            parsed.remove_internal_keys()
            return parsed.as_result_dict(for_round_trip=True)
        from ansible.vars.clean import remove_internal_keys  # pylint: disable=import-outside-toplevel
        remove_internal_keys(parsed)                        # 2.19, 2.20: a dict
        return parsed


def _as_a_module_receives(args):
    """The task's arguments as a module process receives them: through ansible-core's controller-to-module encoder
    and the module-side decoder (plain values: no trust or origin tags, which the module-side encoder of the result
    would refuse)."""
    text = json.dumps(args, cls=get_module_encoder(MODULE_PROFILE, Direction.CONTROLLER_TO_MODULE))
    return json.loads(text, cls=get_module_decoder(MODULE_PROFILE, Direction.CONTROLLER_TO_MODULE))


def same_interpreter(path):
    """Whether ``path`` names this Python: the same executable file in the same directory (a virtualenv's
    ``python`` and ``python3.12`` are one interpreter; another virtualenv's link to the same binary is not)."""
    found = path if os.path.isabs(path) else _which(path)
    if not found:
        return False
    return (os.path.realpath(os.path.dirname(os.path.abspath(found))) ==
            os.path.realpath(os.path.dirname(os.path.abspath(sys.executable)))
            and os.path.realpath(found) == os.path.realpath(sys.executable))


def _which(name):
    for directory in os.environ.get("PATH", "").split(os.pathsep):
        candidate = os.path.join(directory, name)
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


_LIBRARY_PROBLEM = []


def library_problem():
    """Why this Python cannot run the modules itself (a library missing or older than requirements.txt allows), or
    None. Found once per process: ``preload`` asks before the fork, so the workers inherit the answer."""
    if not _LIBRARY_PROBLEM:
        _LIBRARY_PROBLEM.append(_find_library_problem())
    return _LIBRARY_PROBLEM[0]


def _find_library_problem():
    from importlib.metadata import PackageNotFoundError, version      # pylint: disable=import-outside-toplevel
    from ansible.module_utils.compat.version import LooseVersion     # pylint: disable=import-outside-toplevel
    for name, oldest in REQUIRED_LIBRARIES:
        if importlib.util.find_spec(name) is None:
            return "the controller's Python lacks %s" % name
        try:
            found = version(name)
        except PackageNotFoundError:
            continue        # importable without distribution metadata (vendored): nothing to compare
        if LooseVersion(found) < LooseVersion(oldest):
            return "the controller's %s is %s, older than the %s requirements.txt asks for" % (name, found, oldest)
    return None


def _error_traceback():
    """The traceback of the exception being handled, when ansible-core's DISPLAY_TRACEBACK asks for error
    tracebacks (as a module process includes it); None otherwise."""
    if _traceback is None or sys.exc_info()[0] is None:
        return None
    try:
        if not _traceback.is_traceback_enabled(_traceback.TracebackEvent.ERROR):
            return None
    except Exception:  # noqa: B902 - a core whose private switch changed shape: no traceback, as before
        return None
    return traceback.format_exc()


def _inject_invocation(task_vars):
    """Whether a module result carries ``invocation`` (its arguments, masked): ansible-core 2.21 made it the setting
    INJECT_INVOCATION, off by default; before, AnsibleModule always added it."""
    try:
        return bool(C.config.get_config_value("INJECT_INVOCATION", variables=task_vars))
    except AnsibleError:
        return True
