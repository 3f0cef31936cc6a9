import os
import sys

# `tests.sandbox` is imported from the repository root, wherever pytest was started.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from tests.sandbox import fixtures  # noqa: E402

# Re-export the shared fixtures (every name in fixtures.__all__) so that pytest finds them here.
globals().update((name, getattr(fixtures, name)) for name in fixtures.__all__)
