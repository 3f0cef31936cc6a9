"""Install Ansible's collection loader before any test imports the collection, as ansible-test does, so plugins
load through Ansible's plugin loader (docs, fragments, runtime metadata) and share modules with direct imports."""
import os
import sys

from ansible.plugins.loader import init_plugin_loader

init_plugin_loader([p for p in sys.path if os.path.isdir(os.path.join(p, "ansible_collections", "csp", "exchange"))])
