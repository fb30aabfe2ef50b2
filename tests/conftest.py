"""Shared test configuration. This folder is on sys.path, so tests import helpers with `from oracles import ...`."""

import os

# Tests are hermetic: nothing may reach a model hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
