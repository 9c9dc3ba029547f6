"""A keyring backend that keeps its entries in a JSON file, for tests that share one keyring
between asdiag (in-process, via ``keyring.set_keyring``) and a real pip process (selected with
``PYTHON_KEYRING_BACKEND=tests.file_keyring.FileKeyring``, the repository on ``PYTHONPATH``).

The file is named by ``TESTS_KEYRING_FILE``. Every ``get_password`` is appended to the
file's ``asked`` list (service and username, never a password), so a test can see which keys
pip really asked, in which order. Only for tests: it stores passwords in plain text.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

FILE_VARIABLE = "TESTS_KEYRING_FILE"


class FileKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self, path: Path | None = None) -> None:
        super().__init__()
        self.path = path if path is not None else Path(os.environ[FILE_VARIABLE])

    def _load(self) -> dict[str, list[list[str]]]:
        if not self.path.exists():
            return {"entries": [], "asked": []}
        data: dict[str, list[list[str]]] = json.loads(self.path.read_text())
        return data

    def _save(self, data: dict[str, list[list[str]]]) -> None:
        self.path.write_text(json.dumps(data, indent=1))

    @property
    def secrets(self) -> dict[tuple[str, str], str]:
        return {(service, user): password for service, user, password in self._load()["entries"]}

    @property
    def asked(self) -> list[tuple[str, str]]:
        return [(service, user) for service, user in self._load()["asked"]]

    def get_password(self, service: str, username: str) -> str | None:
        data = self._load()
        data["asked"].append([service, username])
        self._save(data)
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._load()
        kept = [e for e in data["entries"] if (e[0], e[1]) != (service, username)]
        data["entries"] = [*kept, [service, username, password]]
        self._save(data)

    def delete_password(self, service: str, username: str) -> None:
        data = self._load()
        kept = [e for e in data["entries"] if (e[0], e[1]) != (service, username)]
        if len(kept) == len(data["entries"]):
            raise PasswordDeleteError("not found")
        data["entries"] = kept
        self._save(data)
