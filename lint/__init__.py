"""Project-only import-linter contract types (not shipped: the wheel packages src/tanzhi only).

import-linter puts the working directory on sys.path, so `lint-imports` run from the repository
root (as `make lint` and tests/test_architecture.py do) can import `lint.faces`.
"""
