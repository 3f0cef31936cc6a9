"""Recipient cmdlets: mailboxes (and their CAS and audit-bypass views) and mail contacts."""
import re

from . import errors, schemas
from .cmdlets import CmdletResult, apply_settings, cmdlet, coerce_settings, listing
from .directory import identity_keys
from .model import MailContact, Mailbox
from .values import at_most, new_guid

MAILBOX_SUBTYPES = {"Regular": "UserMailbox", "Shared": "SharedMailbox", "Room": "RoomMailbox",
                    "Equipment": "EquipmentMailbox"}
_ALIAS_INVALID = re.compile(r"[^A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]")


@cmdlet("Get-Mailbox", parameters=("Identity", "Filter", "ResultSize", "RecipientTypeDetails"))
def get_mailbox(call, params):
    candidates = call.org.mailboxes
    if params.get("recipienttypedetails") is not None:
        raw = params["recipienttypedetails"]
        wanted = {schemas.RECIPIENT_TYPE_DETAILS.coerce("RecipientTypeDetails", v, None, call)
                  for v in (raw if isinstance(raw, list) else [raw])}
        candidates = [m for m in candidates if m.recipient_type_details in wanted]
    return listing(call, candidates, params, schemas.MAILBOX, Mailbox)


@cmdlet("Set-Mailbox", parameters=("Identity", "Type"), mandatory=("Identity",), settable=schemas.MAILBOX)
def set_mailbox(call, params):
    mailbox = call.find(params["identity"], Mailbox)
    changes = coerce_settings(call, mailbox, params, schemas.MAILBOX)
    if "type" in params:
        subtype = schemas.MAILBOX_TYPE.coerce("Type", params["type"], None, call)
        changes["recipient_type_details"] = MAILBOX_SUBTYPES[subtype]
    _check_quota_order(mailbox, changes)
    if changes.get("litigation_hold_enabled") and not mailbox.litigation_hold_enabled:
        changes["litigation_hold_date"] = call.now
    return _apply_with_addresses(call, mailbox, changes)


def _check_quota_order(mailbox, changes):
    send = changes.get("prohibit_send_quota", mailbox.prohibit_send_quota)
    send_receive = changes.get("prohibit_send_receive_quota", mailbox.prohibit_send_receive_quota)
    if at_most(send, send_receive):
        return
    raise errors.validation("The value of property 'ProhibitSendQuota' must be less than or equal to that of "
                            "property 'ProhibitSendReceiveQuota'. ProhibitSendQuota: "
                            f"{schemas.SIZE.render(send)}, ProhibitSendReceiveQuota: "
                            f"{schemas.SIZE.render(send_receive)}.")


def _apply_with_addresses(call, recipient, changes):
    """Apply ``changes``; a new EmailAddresses list must keep one primary, not take another recipient's
    address and (for a mailbox) use accepted domains; the identity index follows it."""
    addresses = changes.get("email_addresses")
    if addresses is None or addresses == recipient.email_addresses:
        return apply_settings(call, recipient, changes)
    if not any(a.startswith("SMTP:") for a in addresses):
        raise errors.validation("The primary SMTP address must be specified. Specify an SMTP address with the "
                                "prefix 'SMTP:' (in capital letters) as the primary address.")
    for address in addresses:
        kind, dummy, value = address.partition(":")
        holder = call.org.directory.holder(value)
        if holder is not None and holder is not recipient:
            raise errors.validation(f"The proxy address \"{address}\" is already being used by the proxy "
                                    f"addresses or LegacyExchangeDN of \"{holder.name}\". Please choose another "
                                    "proxy address.", "Microsoft.Exchange.Data.Directory.ProxyAddressExistsException")
        domain = value.rpartition("@")[2]
        if isinstance(recipient, Mailbox) and kind.lower() == "smtp" and domain.lower() not in call.org.accepted_domain_names:
            raise errors.validation(f"The domain \"{domain}\" isn't an accepted domain for your organization.",
                                    "Microsoft.Exchange.Data.Directory.Recipient.EmailAddressDomainNotAcceptedException")
    old_keys = identity_keys(recipient)
    result = apply_settings(call, recipient, changes)
    call.org.directory.reindex(recipient, old_keys)
    return result


@cmdlet("Get-Recipient", parameters=("Identity", "Filter", "ResultSize"))
def get_recipient(call, params):
    """Every mail-enabled object; -Identity takes any form the directory knows (how clients turn an address into
    the name that recipient-valued properties such as GrantSendOnBehalfTo show)."""
    candidates = list(call.org.mailboxes) + [c for c in call.org.contacts if c.visible_from <= call.now]
    return listing(call, candidates, params, schemas.RECIPIENT, (Mailbox, MailContact))


@cmdlet("Get-CASMailbox", parameters=("Identity", "Filter", "ResultSize"))
def get_cas_mailbox(call, params):
    return listing(call, call.org.mailboxes, params, schemas.CAS_MAILBOX, Mailbox)


@cmdlet("Set-CASMailbox", parameters=("Identity",), mandatory=("Identity",), settable=schemas.CAS_MAILBOX)
def set_cas_mailbox(call, params):
    mailbox = call.find(params["identity"], Mailbox)
    return apply_settings(call, mailbox, coerce_settings(call, mailbox, params, schemas.CAS_MAILBOX))


@cmdlet("Get-MailboxAuditBypassAssociation", parameters=("Identity", "ResultSize"))
def get_audit_bypass(call, params):
    return listing(call, call.org.mailboxes, params, schemas.AUDIT_BYPASS, Mailbox)


@cmdlet("Set-MailboxAuditBypassAssociation", parameters=("Identity",), mandatory=("Identity", "AuditBypassEnabled"),
        settable=schemas.AUDIT_BYPASS)
def set_audit_bypass(call, params):
    mailbox = call.find(params["identity"], Mailbox)
    return apply_settings(call, mailbox, coerce_settings(call, mailbox, params, schemas.AUDIT_BYPASS))


def _visible_contacts(call):
    return (c for c in call.org.contacts if c.visible_from <= call.now)


@cmdlet("Get-MailContact", parameters=("Identity", "Filter", "ResultSize"))
def get_mail_contact(call, params):
    return listing(call, _visible_contacts(call), params, schemas.MAIL_CONTACT, MailContact)


@cmdlet("New-MailContact", parameters=("Name", "ExternalEmailAddress", "Alias", "DisplayName"),
        mandatory=("Name", "ExternalEmailAddress"))
def new_mail_contact(call, params):
    org = call.org
    name = schemas.TEXT.coerce("Name", params["name"], None, call).strip()
    address = schemas.MAIL_CONTACT.by_lower["externalemailaddress"].kind.coerce(
        "ExternalEmailAddress", params["externalemailaddress"], None, call)
    alias = schemas.TEXT.coerce("Alias", params.get("alias") or _ALIAS_INVALID.sub("", name), None, call)
    for taken, text in ((name, f"The name \"{name}\""), (alias, f"The alias \"{alias}\""),
                        (address, f"The proxy address \"SMTP:{address}\"")):
        if org.directory.find(taken) is not None:
            raise errors.validation(f"{text} is already being used. Please choose another.",
                                    "Microsoft.Exchange.Data.Directory.ADObjectAlreadyExistsException")
    contact = MailContact(
        name=name, alias=alias, display_name=params.get("displayname") or name,
        guid=new_guid(org.rng), external_directory_object_id=new_guid(org.rng),
        external_email_address=address, email_addresses=(f"SMTP:{address}",), dn_suffix=org.dn_suffix,
        when_created=call.now, when_changed=call.now, visible_from=call.now + call.replication_lag_s)
    org.add_contact(contact)
    return CmdletResult([contact], schemas.MAIL_CONTACT)


@cmdlet("Set-MailContact", parameters=("Identity",), mandatory=("Identity",), settable=schemas.MAIL_CONTACT)
def set_mail_contact(call, params):
    contact = call.find(params["identity"], MailContact)
    changes = coerce_settings(call, contact, params, schemas.MAIL_CONTACT)
    if changes.get("external_email_address", contact.external_email_address) != contact.external_email_address:
        # The primary proxy address follows the external address (email address policy).
        changes["email_addresses"] = (f"SMTP:{changes['external_email_address']}",)
    return _apply_with_addresses(call, contact, changes)


@cmdlet("Remove-MailContact", parameters=("Identity",), mandatory=("Identity",))
def remove_mail_contact(call, params):
    call.org.remove_contact(call.find(params["identity"], MailContact))
    return CmdletResult()
