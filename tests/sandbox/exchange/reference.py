"""Microsoft's cmdlet reference as the sandbox's parameter binder: the collection's catalog
(``plugins/module_utils/exchange/catalog.py`` over ``catalog_data.py``, generated from
MicrosoftDocs/office-docs-powershell), loaded by path so that the emulator needs nothing of the collection's package.
Exchange Online itself decides from the same facts which parameters a cmdlet takes there."""
import importlib.util
from pathlib import Path

LIBRARY = Path(__file__).resolve().parents[3] / "plugins" / "module_utils" / "exchange"


def _load(name):
    spec = importlib.util.spec_from_file_location(f"sandbox_reference_{name}", LIBRARY / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_data = _load("catalog_data")
CATALOG = _load("catalog").Catalog(_data.SOURCE, _data.TYPES, _data.CMDLETS)
