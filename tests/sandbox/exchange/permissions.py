"""Per-mailbox cmdlets: mailbox permissions (non-idempotent Add-/Remove-) and inbox rules."""
from . import errors, schemas
from .cmdlets import CmdletResult, cmdlet
from .model import Mailbox, PermissionEntry

SELF = "NT AUTHORITY\\SELF"
INHERITANCE_TYPE = schemas.kinds.Enum("System.DirectoryServices.ActiveDirectorySecurityInheritance",
                                      ("None", "All", "Descendents", "SelfAndChildren", "Children"))


def _self_entry(mailbox):
    return PermissionEntry(identity=mailbox.name, user=SELF, access_rights=("FullAccess", "ReadPermission"))


def _trustee(call, raw):
    """The ``-User`` of a permission: a mailbox user, shown by its UPN."""
    user = call.org.directory.find(str(raw))
    if not isinstance(user, Mailbox):
        raise errors.recipient_not_found(str(raw))
    return user.user_principal_name


def _rights(call, params):
    return schemas.ACCESS_RIGHTS.coerce("AccessRights", params["accessrights"], (), call)


@cmdlet("Get-MailboxPermission", parameters=("Identity", "User"), mandatory=("Identity",))
def get_mailbox_permission(call, params):
    mailbox = call.find(params["identity"], Mailbox)
    entries = [_self_entry(mailbox), *mailbox.permissions]
    if params.get("user") is not None:
        user = _trustee(call, params["user"])
        entries = [e for e in entries if e.user.lower() == user.lower()]
    return CmdletResult(entries, schemas.MAILBOX_PERMISSION)


@cmdlet("Add-MailboxPermission", parameters=("Identity", "User", "AccessRights", "InheritanceType", "AutoMapping",
                                             "Deny"), mandatory=("Identity", "User", "AccessRights"))
def add_mailbox_permission(call, params):
    mailbox = call.find(params["identity"], Mailbox)
    user, rights = _trustee(call, params["user"]), _rights(call, params)
    deny = schemas.BOOL.coerce("Deny", params.get("deny", False), None, call)
    inheritance = INHERITANCE_TYPE.coerce("InheritanceType", params.get("inheritancetype", "All"), None, call)
    schemas.BOOL.coerce("AutoMapping", params.get("automapping", True), None, call)
    existing = next((e for e in mailbox.permissions if e.user == user and e.deny == deny), None)
    if existing and set(rights) <= set(existing.access_rights):
        return CmdletResult(warnings=[f"The appropriate access control entry is already present on the object "
                                      f"\"{mailbox.name}\" for account \"{user}\"."])
    if existing:
        existing.access_rights = existing.access_rights + tuple(r for r in rights if r not in existing.access_rights)
        entry = existing
    else:
        entry = PermissionEntry(identity=mailbox.name, user=user, access_rights=rights, deny=deny,
                                inheritance_type=inheritance)
        mailbox.permissions = mailbox.permissions + (entry,)
    return CmdletResult([entry], schemas.MAILBOX_PERMISSION)


@cmdlet("Remove-MailboxPermission", parameters=("Identity", "User", "AccessRights", "InheritanceType", "Deny"),
        mandatory=("Identity", "User", "AccessRights"))
def remove_mailbox_permission(call, params):
    mailbox = call.find(params["identity"], Mailbox)
    user, rights = _trustee(call, params["user"]), _rights(call, params)
    deny = schemas.BOOL.coerce("Deny", params.get("deny", False), None, call)
    entry = next((e for e in mailbox.permissions if e.user == user and e.deny == deny), None)
    if entry is None or not set(rights) & set(entry.access_rights):
        return CmdletResult(warnings=[f"Can't remove the access control entry on the object \"{mailbox.name}\" for "
                                      f"account \"{user}\" because the ACE doesn't exist on the object."])
    remaining = tuple(r for r in entry.access_rights if r not in rights)
    if remaining:
        entry.access_rights = remaining
    else:
        mailbox.permissions = tuple(e for e in mailbox.permissions if e is not entry)
    return CmdletResult()


@cmdlet("Get-InboxRule", parameters=("Mailbox", "Identity"), mandatory=("Mailbox",))
def get_inbox_rule(call, params):
    mailbox = call.find(params["mailbox"], Mailbox)
    rules = list(mailbox.inbox_rules)
    if params.get("identity") is not None:
        wanted = str(params["identity"]).lower()
        rules = [r for r in rules if wanted in (r.name.lower(), r.rule_identity, r.identity.lower())]
        if not rules:
            raise errors.not_found(str(params["identity"]), call.org.dc)
    return CmdletResult(rules, schemas.INBOX_RULE)
