import os
import sys

# `tests.sandbox` is imported from the repository root, wherever pytest was started.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from tests.sandbox.fixtures import *  # noqa: E402,F401,F403
