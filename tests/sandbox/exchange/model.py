"""Object types of the Exchange organisation and the machinery that turns them into wire rows.

Objects use ``__slots__`` (tenants hold up to 10,000 mailboxes); collections are tuples so a page
being rendered never sees a half-applied write. A ``Schema`` is one cmdlet noun's view of an object
type: ordered ``Prop``s, each naming the attribute it reads and the ``Kind`` that renders it.
"""
import re

from .values import GB, KB, MB, UNLIMITED, ZERO_GUID

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def attribute_name(wire_name: str) -> str:
    """``ProhibitSendQuota`` -> ``prohibit_send_quota``, ``MAPIEnabled`` -> ``mapi_enabled``."""
    return _CAMEL_BOUNDARY.sub("_", wire_name).lower()


class Prop:
    __slots__ = ("name", "attr", "kind", "settable", "annotations")

    def __init__(self, name, kind, attr=None, settable=False):
        self.name = name
        self.attr = attr or attribute_name(name)
        self.kind = kind
        self.settable = settable
        self.annotations = tuple((name + suffix, value) for suffix, value in kind.annotations.items())


class Schema:
    def __init__(self, noun, props):
        self.noun = noun
        self.props = tuple(props)
        self.by_lower = {p.name.lower(): p for p in self.props}
        self.settable = {k: p for k, p in self.by_lower.items() if p.settable}

    def select(self, names):
        """The props named by ``$select`` (case-insensitive, unknown names ignored), in schema order."""
        if not names:
            return self.props
        wanted = {n.strip().lower() for n in names}
        return tuple(p for p in self.props if p.name.lower() in wanted)

    @staticmethod
    def render(obj, props) -> dict:
        """One wire row; annotations precede their value, and are left out for null."""
        row = {}
        for prop in props:
            value = getattr(obj, prop.attr)
            if value is not None:
                value = prop.kind.render(value)
                if value is not None:
                    for key, annotation in prop.annotations:
                        row[key] = annotation
            row[prop.name] = value
        return row

    @staticmethod
    def plain(obj, props) -> dict:
        """A row without annotations (admin snapshots)."""
        row = {}
        for prop in props:
            value = getattr(obj, prop.attr)
            row[prop.name] = None if value is None else prop.kind.render(value)
        return row


class Record:
    """Base of the object types: ``DEFAULTS`` names every slot and its initial value."""
    __slots__ = ()
    DEFAULTS = {}

    def __init__(self, **values):
        for key, value in self.DEFAULTS.items():
            setattr(self, key, value)
        for key, value in values.items():
            setattr(self, key, value)

    @property
    def identity(self):
        return self.name

    @property
    def distinguished_name(self):
        return f"CN={self.name},{self.dn_suffix}"

    @property
    def when_changed_utc(self):
        return self.when_changed


_CUSTOM_ATTRIBUTES = {f"custom_attribute{i}": "" for i in range(1, 16)}
AUDIT_OWNER_DEFAULT = ("Update", "MoveToDeletedItems", "SoftDelete", "HardDelete", "UpdateFolderPermissions",
                       "UpdateInboxRules", "UpdateCalendarDelegation", "ApplyRecord", "MailItemsAccessed", "Send")
AUDIT_ADMIN_DEFAULT = ("Update", "MoveToDeletedItems", "SoftDelete", "HardDelete", "SendAs", "SendOnBehalf",
                       "Create", "UpdateFolderPermissions", "UpdateInboxRules", "UpdateCalendarDelegation",
                       "ApplyRecord", "MailItemsAccessed", "Send")
AUDIT_DELEGATE_DEFAULT = ("Update", "MoveToDeletedItems", "SoftDelete", "HardDelete", "SendAs", "SendOnBehalf",
                          "Create", "UpdateFolderPermissions", "UpdateInboxRules", "ApplyRecord", "MailItemsAccessed")


class Mailbox(Record):
    """A mailbox; also the object behind Get-CASMailbox and Get-MailboxAuditBypassAssociation."""
    DEFAULTS = {
        "name": "", "alias": "", "display_name": "", "guid": ZERO_GUID, "exchange_guid": ZERO_GUID,
        "external_directory_object_id": "", "user_principal_name": "", "email_addresses": (),
        "recipient_type_details": "UserMailbox", "dn_suffix": "",
        "prohibit_send_quota": 99 * GB, "prohibit_send_receive_quota": 100 * GB, "issue_warning_quota": 98 * GB,
        "recoverable_items_quota": 30 * GB, "recoverable_items_warning_quota": 20 * GB,
        "archive_quota": 100 * GB, "archive_warning_quota": 90 * GB, "rules_quota": 256 * KB,
        "max_send_size": 35 * MB, "max_receive_size": 36 * MB, "use_database_quota_defaults": False,
        "retain_deleted_items_for": 14 * 86400, "single_item_recovery_enabled": True,
        "retention_hold_enabled": False, "retention_policy": "Default MRM Policy",
        "litigation_hold_enabled": False, "litigation_hold_duration": UNLIMITED, "litigation_hold_owner": "",
        "litigation_hold_date": None, "in_place_holds": (),
        "forwarding_address": None, "forwarding_smtp_address": None, "deliver_to_mailbox_and_forward": False,
        "grant_send_on_behalf_to": (), "hidden_from_address_lists_enabled": False, "recipient_limits": 500,
        "archive_guid": ZERO_GUID, "auto_expanding_archive_enabled": False,
        "audit_enabled": True, "audit_log_age_limit": 90 * 86400, "audit_owner": AUDIT_OWNER_DEFAULT,
        "audit_admin": AUDIT_ADMIN_DEFAULT, "audit_delegate": AUDIT_DELEGATE_DEFAULT,
        "message_copy_for_sent_as_enabled": False, "message_copy_for_send_on_behalf_enabled": False,
        **_CUSTOM_ATTRIBUTES,
        "when_created": 0.0, "when_changed": 0.0,
        "active_sync_enabled": True, "owa_enabled": True, "pop_enabled": True, "imap_enabled": True,
        "mapi_enabled": True, "ews_enabled": True, "ecp_enabled": True, "smtp_client_authentication_disabled": None,
        "owa_mailbox_policy": "OwaMailboxPolicy-Default",
        "audit_bypass_enabled": False, "inbox_rules": (), "permissions": (),
    }
    __slots__ = tuple(DEFAULTS)

    recipient_type = "UserMailbox"

    @property
    def primary_smtp_address(self):
        return next((a[5:] for a in self.email_addresses if a.startswith("SMTP:")), "")

    windows_email_address = primary_smtp_address

    @property
    def archive_status(self):
        return "None" if self.archive_guid == ZERO_GUID else "Active"

    @property
    def archive_name(self):
        return () if self.archive_guid == ZERO_GUID else (f"In-Place Archive -{self.display_name}",)

    @property
    def when_created_utc(self):
        return self.when_created


class MailContact(Record):
    DEFAULTS = {
        "name": "", "alias": "", "display_name": "", "guid": ZERO_GUID, "external_directory_object_id": "",
        "external_email_address": "", "email_addresses": (), "hidden_from_address_lists_enabled": False,
        "dn_suffix": "", **_CUSTOM_ATTRIBUTES, "when_created": 0.0, "when_changed": 0.0,
        "visible_from": 0.0,            # replication lag: Get/Set answer 404 before this time
    }
    __slots__ = tuple(DEFAULTS)

    recipient_type = recipient_type_details = "MailContact"
    primary_smtp_address = Mailbox.primary_smtp_address
    when_created_utc = Mailbox.when_created_utc


class OrganizationConfig(Record):
    DEFAULTS = {
        "name": "", "display_name": "", "guid": ZERO_GUID, "dn_suffix": "", "is_dehydrated": False,
        "audit_disabled": False, "customer_lockbox_enabled": False, "auto_expanding_archive_enabled": False,
        "o_auth2_client_profile_enabled": True, "send_from_alias_enabled": False, "bookings_enabled": True,
        "mail_tips_all_tips_enabled": True, "mail_tips_external_recipients_tips_enabled": False,
        "ews_enabled": None, "ews_allow_outlook": None, "focused_inbox_on": None, "message_recall_enabled": None,
        "ews_application_access_policy": None, "ews_allow_list": (), "ews_block_list": (), "reject_direct_send": False,
        "public_folders_enabled": "Local", "activity_based_authentication_timeout_enabled": True,
        "activity_based_authentication_timeout_interval": 6 * 3600, "ip_list_blocked": (),
        "default_public_folder_deleted_item_retention": 30 * 86400,
        "when_changed": 0.0,
    }
    __slots__ = tuple(DEFAULTS)

    @property
    def distinguished_name(self):
        return f"CN=Configuration,{self.dn_suffix}"


class AdminAuditLogConfig(Record):
    """The organisation's audit settings (Get-/Set-AdminAuditLogConfig); the unified audit log is off by default."""
    DEFAULTS = {"name": "Admin Audit Log Settings", "guid": ZERO_GUID, "dn_suffix": "",
                "admin_audit_log_enabled": True, "unified_audit_log_ingestion_enabled": False,
                "admin_audit_log_age_limit": 90 * 86400, "when_changed": 0.0}
    __slots__ = tuple(DEFAULTS)


class AcceptedDomain(Record):
    DEFAULTS = {"name": "", "domain_type": "Authoritative", "default": False, "initial_domain": False,
                "match_sub_domains": False, "guid": ZERO_GUID, "dn_suffix": "", "when_changed": 0.0}
    __slots__ = tuple(DEFAULTS)

    @property
    def domain_name(self):
        return self.name

    @property
    def distinguished_name(self):
        return f"CN={self.name},CN=Transport Settings,{self.dn_suffix}"


class InboxRule(Record):
    DEFAULTS = {"mailbox_owner_id": "", "rule_identity": "", "name": "", "enabled": True, "priority": 1,
                "description": "", "from_": (), "subject_contains_words": (), "forward_to": (), "redirect_to": (),
                "forward_as_attachment_to": (), "move_to_folder": None, "delete_message": False,
                "mark_as_read": False, "stop_processing_rules": False}
    __slots__ = tuple(DEFAULTS)

    @property
    def identity(self):
        return f"{self.mailbox_owner_id}\\{self.rule_identity}"


class PermissionEntry(Record):
    """One access control entry on a mailbox (Get-MailboxPermission row)."""
    DEFAULTS = {"identity": "", "user": "", "access_rights": (), "is_inherited": False, "deny": False,
                "inheritance_type": "All"}
    __slots__ = tuple(DEFAULTS)
