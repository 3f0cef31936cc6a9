import json

import pytest

from ansible_collections.csp.exchange.plugins.module_utils.exchange.errors import parse_detail_message, parse_error


def body(details=None, inner=None, message="Error executing cmdlet", code="BadRequest"):
    error = {"code": code, "message": message}
    if details is not None:
        error["details"] = details
    if inner is not None:
        error["innererror"] = inner
    return json.dumps({"error": error}).encode()


def test_format_1_string_id_type_text():
    msg = ("Ex6F9304|Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException|The operation couldn't "
           "be performed because object 'nobody@contoso.com' couldn't be found on 'DC01.PROD.OUTLOOK.COM'.")
    info = parse_error(404, body([{"code": "Client", "target": "", "message": msg}], code="NotFound"))
    assert info.string_id == "Ex6F9304"
    assert info.short_type == "ManagementObjectNotFoundException"
    assert info.text.startswith("The operation couldn't be performed")
    assert info.is_not_found and not info.is_transient


def test_format_2_empty_string_id():
    msg = ("|Microsoft.Exchange.AdminApi.CommandInvocation.AmbiguousParameterSetException|"
           "Parameter set cannot be resolved using the specified named parameters. BogusParameter")
    info = parse_error(400, body([{"message": msg}]))
    assert info.string_id is None
    assert info.short_type == "AmbiguousParameterSetException"
    assert info.text.endswith("BogusParameter")


def test_format_3_json_in_string():
    msg = json.dumps({"Message": "The object already exists.", "TypeName": "Microsoft.Exchange.Data.Directory.ADObjectAlreadyExistsException",
                      "StackTrace": None, "InnerError": None})
    info = parse_error(400, body([{"message": msg}]))
    assert info.short_type == "ADObjectAlreadyExistsException"
    assert info.text == "The object already exists."


def test_text_with_pipes_keeps_everything_after_the_type():
    string_id, exc, text = parse_detail_message("X|Microsoft.Foo.BarException|a | b | c")
    assert (string_id, exc, text) == ("X", "Microsoft.Foo.BarException", "a | b | c")


def test_fallback_to_innererror_then_message_then_raw():
    inner = {"message": "Error executing cmdlet", "type": "Microsoft.Exchange.Admin.OData.Core.ODataServiceException",
             "internalexception": {"message": "Expired or Invalid pagination request. Default Expiry time is 00:30:00",
                                   "type": "System.ArgumentException"}}
    info = parse_error(400, body(inner=inner))
    assert info.text.startswith("Expired or Invalid pagination request")
    assert info.exception_type == "System.ArgumentException"
    info = parse_error(500, body(message="Invalid Operation"))
    assert info.text == "Invalid Operation"
    info = parse_error(503, b"<html>Service Unavailable</html>")
    assert "Service Unavailable" in info.text


def test_nul_body_403_means_unknown_cmdlet_or_rbac():
    info = parse_error(403, b"\x00" * 64)
    assert "cmdlet does not exist" in info.text and "RBAC" in info.text


@pytest.mark.parametrize("exc", ["DCOverloadedException", "ADServerSettingsChangedException", "StorageTransientException",
                                 "SuitabilityDirectoryException", "ServerInMMException"])
def test_transient_exchange_exceptions(exc):
    msg = "|Microsoft.Exchange.Data.Directory.%s|try later" % exc
    assert parse_error(500, body([{"message": msg}])).is_transient


def test_concurrency_plain_text_is_transient():
    info = parse_error(429, b"You have reached the maximum number of concurrent requests per tenant. Please wait and try again")
    assert info.is_transient
