"""Cmdlet failures as Exchange reports them (contract §5.7): status, ``error.code``, the .NET exception
type, its text, and the ``details[].message`` format (1: ``<stringId>|<type>|<text>``; 2: empty stringId
for parameter binding). ``CmdletError.body()`` is the JSON error document."""
import zlib

ODATA_SERVICE_EXCEPTION = "Microsoft.Exchange.Admin.OData.Core.ODataServiceException"
NOT_FOUND = "Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException"
AMBIGUOUS_PARAMETER_SET = "Microsoft.Exchange.AdminApi.CommandInvocation.AmbiguousParameterSetException"
PARAMETER_TRANSFORMATION = "Microsoft.Exchange.AdminApi.CommandInvocation.ParameterTransformationException"
PARAMETER_BINDING = "System.Management.Automation.ParameterBindingException"
DATA_VALIDATION = "Microsoft.Exchange.Data.DataValidationException"
_KNOWN_STRING_IDS = {NOT_FOUND: "Ex6F9304"}

# (status, exception type, text): the transient exceptions clients retry (contract §5.9).
TRANSIENT_EXCEPTIONS = (
    (500, "Microsoft.Exchange.Data.Directory.ADServerSettingsChangedException",
     "The Active Directory server settings changed during the operation. Please try again."),
    (500, "Microsoft.Exchange.Data.Directory.DCOverloadedException",
     "The domain controller is overloaded and can't handle the request. Try again later."),
    (400, "Microsoft.Exchange.Data.Directory.SuitabilityDirectoryException",
     "No suitable domain controller was found to service the request. Try again later."),
    (500, "Microsoft.Exchange.Data.Storage.StorageTransientException",
     "A transient storage error occurred. Try again later."),
)
ADDRESSING_EXCEPTIONS = (
    "Microsoft.Exchange.Data.Directory.ADOperationException",
    "Microsoft.Exchange.Configuration.Tasks.InsufficientPermissionsException",
)
_STATUS_CODES = {400: "BadRequest", 403: "Forbidden", 404: "NotFound", 500: "InternalServerError"}


def string_id(exception_type: str) -> str:
    """A stable ``ExXXXXXX`` id per exception type, like the ids Exchange prints in format 1."""
    return _KNOWN_STRING_IDS.get(exception_type) or "Ex%06X" % (zlib.crc32(exception_type.encode()) & 0xFFFFFF)


class CmdletError(Exception):
    """A failed cmdlet. ``nul_body`` marks the 403 answered with NUL bytes (unknown cmdlet, missing RBAC)."""

    def __init__(self, status, exception_type, text, binding=False, nul_body=False, message="Error executing cmdlet"):
        super().__init__(text)
        self.status = status
        self.code = _STATUS_CODES.get(status, "BadRequest")
        self.exception_type = exception_type
        self.text = text
        self.binding = binding          # format 2: empty stringId
        self.nul_body = nul_body
        self.message = message

    @property
    def detail(self) -> str:
        return f"{'' if self.binding else string_id(self.exception_type)}|{self.exception_type}|{self.text}"

    def body(self) -> dict:
        return {"error": {
            "code": self.code,
            "message": self.message,
            "details": [{"code": "Client", "target": "", "message": self.detail}],
            "innererror": {"message": self.message, "type": ODATA_SERVICE_EXCEPTION,
                           "internalexception": {"message": self.text, "type": self.exception_type}},
        }}


def not_found(identity: str, dc: str) -> CmdletError:
    return CmdletError(404, NOT_FOUND, f"The operation couldn't be performed because object '{identity}' "
                                       f"couldn't be found on '{dc}'.")


def recipient_not_found(identity: str) -> CmdletError:
    return CmdletError(404, NOT_FOUND, f"Couldn't find object \"{identity}\". Please make sure that it was "
                                       "spelled correctly or specify a different object.")


def unknown_cmdlet(name: str) -> CmdletError:
    return CmdletError(403, "Microsoft.Exchange.Configuration.Tasks.CmdletAccessDeniedException",
                       f"The term '{name}' is not recognized as a cmdlet.", nul_body=True)


def unknown_parameter(name: str) -> CmdletError:
    return CmdletError(400, AMBIGUOUS_PARAMETER_SET,
                       "Parameter set cannot be resolved using the specified named parameters. One or more "
                       "parameters issued cannot be used together or an insufficient number of parameters "
                       f"were provided. {name}", binding=True)


def not_emulated(cmdlet: str, name: str) -> CmdletError:
    """Exchange Online takes the parameter (Microsoft's cmdlet reference lists it) but the sandbox does not model it:
    refused in a form no real answer has, so that a test never passes on a parameter the sandbox ignored."""
    return CmdletError(400, "Sandbox.ParameterNotEmulatedException",
                       f"The sandbox does not emulate the {name} parameter of {cmdlet}; Exchange Online takes it.",
                       binding=True)


def missing_parameters(names) -> CmdletError:
    return CmdletError(400, PARAMETER_BINDING, "Cannot process command because of one or more missing "
                                               f"mandatory parameters: {' '.join(names)}.", binding=True)


def cannot_convert(param: str, value, target: str, reason: str) -> CmdletError:
    return CmdletError(400, PARAMETER_TRANSFORMATION,
                       f"Cannot process argument transformation on parameter '{param}'. Cannot convert value "
                       f"\"{value}\" to type \"{target}\". Error: \"{reason}\"", binding=True)


def bad_enum(param: str, value, target: str, names) -> CmdletError:
    return cannot_convert(param, value, target, f"Unable to match the identifier name {value} to a valid "
                                                f"enumerator name. Specify one of the following enumerator "
                                                f"names and try again: {', '.join(names)}")


def null_argument(param: str) -> CmdletError:
    return CmdletError(400, "System.Management.Automation.ParameterBindingValidationException",
                       f"Cannot validate argument on parameter '{param}'. The argument is null. Provide a "
                       "valid value for the argument, and then try running the command again.", binding=True)


def validation(text: str, exception_type: str = DATA_VALIDATION) -> CmdletError:
    return CmdletError(400, exception_type, text)


def bad_filter(filter_text: str, reason: str, position: int) -> CmdletError:
    return CmdletError(400, PARAMETER_BINDING, f"Cannot bind parameter 'Filter' to the target. Exception setting "
                                               f"\"Filter\": \"{reason} \"{filter_text}\" at position {position}.\"",
                       binding=True)


def pagination_expired() -> CmdletError:
    return CmdletError(400, "Microsoft.Exchange.Admin.OData.Core.InvalidPaginationRequestException",
                       "Expired or Invalid pagination request. Default Expiry time is 00:30:00", binding=True)


def transient(status: int, exception_type: str, text: str) -> CmdletError:
    return CmdletError(status, exception_type, text)


def addressing(exception_type: str, identity: str, dc: str) -> CmdletError:
    return CmdletError(400, exception_type, f"Active Directory operation failed on {dc}. The object '{identity}' "
                                            "couldn't be updated with the supplied credentials.")
