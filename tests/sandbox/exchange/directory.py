"""Identity resolution: every form ``-Identity`` accepts (name, alias, any proxy address, UPN, GUIDs,
distinguished name, DOMAIN\\alias; case-insensitive) mapped to its recipient, kept current as recipients change."""


def domain_account(recipient):
    """``DOMAIN\\alias``, the down-level logon form -Identity accepts; the domain is the forest's first DC label
    (``EURPR01A001``)."""
    labels = [part[3:] for part in recipient.dn_suffix.split(",") if part.upper().startswith("DC=")]
    return f"{labels[0]}\\{recipient.alias}" if labels and recipient.alias else ""


def identity_keys(recipient):
    keys = {recipient.name, recipient.alias, recipient.guid, recipient.distinguished_name,
            recipient.external_directory_object_id, getattr(recipient, "exchange_guid", ""),
            getattr(recipient, "user_principal_name", ""), domain_account(recipient)}
    keys.update(address.partition(":")[2] for address in recipient.email_addresses)
    return {key.lower() for key in keys if key}


class Directory:
    def __init__(self):
        self._by_key = {}

    def add(self, recipient):
        for key in identity_keys(recipient):
            self._by_key.setdefault(key, recipient)     # the first holder keeps a shared key

    def remove(self, recipient, keys=None):
        for key in keys if keys is not None else identity_keys(recipient):
            if self._by_key.get(key) is recipient:
                del self._by_key[key]

    def reindex(self, recipient, old_keys):
        self.remove(recipient, old_keys)
        self.add(recipient)

    def find(self, identity):
        return self._by_key.get(identity.strip().lower())

    def holder(self, address):
        """The recipient holding a proxy address, or None."""
        return self._by_key.get(address.lower())
