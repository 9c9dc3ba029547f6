"""asdiag: diagnoses access to a private, authenticated, curated PyPI-style catalog.

This package's top level stays import-light on purpose: ``asdiag --version`` and
``asdiag --help`` must start fast, so nothing here imports httpx, keyring or packaging.tags.
"""

__version__ = "0.1.0"
