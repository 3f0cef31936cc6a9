"""Organisation-wide cmdlets: OrganizationConfig (with the dehydrated-tenant rule), accepted domains."""
from . import errors, schemas
from .cmdlets import CmdletResult, apply_settings, cmdlet, coerce_settings, listing
from .model import AcceptedDomain

DEHYDRATED = "Microsoft.Exchange.Configuration.Tasks.InvalidOperationInDehydratedContextException"


@cmdlet("Get-OrganizationConfig")
def get_organization_config(call, params):
    return CmdletResult([call.org.organization], schemas.ORGANIZATION_CONFIG)


@cmdlet("Set-OrganizationConfig", settable=schemas.ORGANIZATION_CONFIG)
def set_organization_config(call, params):
    organization = call.org.organization
    if organization.is_dehydrated:
        raise errors.validation("This operation is not available in current Microsoft 365 plan. To enable this "
                                "operation, run Enable-OrganizationCustomization first.", DEHYDRATED)
    return apply_settings(call, organization, coerce_settings(call, organization, params,
                                                              schemas.ORGANIZATION_CONFIG))


@cmdlet("Enable-OrganizationCustomization")
def enable_organization_customization(call, params):
    organization = call.org.organization
    if not organization.is_dehydrated:
        raise errors.validation("This operation is not required. Organization is already enabled for "
                                "customization.", "Microsoft.Exchange.Management.Deployment."
                                                  "OrganizationAlreadyCustomizedException")
    organization.is_dehydrated = False
    organization.when_changed = call.now
    return CmdletResult()


@cmdlet("Get-AdminAuditLogConfig")
def get_admin_audit_log_config(call, params):
    return CmdletResult([call.org.admin_audit_log_config], schemas.ADMIN_AUDIT_LOG_CONFIG)


@cmdlet("Set-AdminAuditLogConfig", settable=schemas.ADMIN_AUDIT_LOG_CONFIG)
def set_admin_audit_log_config(call, params):
    """Runs only on the backend of its own system mailbox: the HTTP glue refuses other anchors (ANCHORED_CMDLETS)."""
    config = call.org.admin_audit_log_config
    return apply_settings(call, config, coerce_settings(call, config, params, schemas.ADMIN_AUDIT_LOG_CONFIG))


@cmdlet("Get-AcceptedDomain", parameters=("Identity", "ResultSize"))
def get_accepted_domain(call, params):
    domains = call.org.accepted_domains
    if params.get("identity") is not None:
        wanted = str(params["identity"]).lower()
        found = [d for d in domains if wanted in (d.name.lower(), d.guid)]
        if not found:
            raise errors.not_found(str(params["identity"]), call.org.dc)
        return CmdletResult(found, schemas.ACCEPTED_DOMAIN)
    return listing(call, domains, params, schemas.ACCEPTED_DOMAIN, AcceptedDomain)
