"""Repository managers in front of the catalog: which one answers, and how it is set up.

``detect`` names the product (Artifactory or Nexus), its version and edition, and the
repository, from the URL shape and the response headers (``shared/reference/
repository-managers.md`` sections 1.2 and 2.1). ``artifactory.py`` and ``nexus.py`` read and
audit their REST configuration when admin credentials are given.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

#: Public projects that a curated catalog rarely holds and public PyPI always does.
WELL_KNOWN_PUBLIC = (
    "pandas",
    "django",
    "flask",
    "boto3",
    "pytest",
    "requests",
    "numpy",
    "setuptools",
    "pip",
    "six",
    "urllib3",
    "pyyaml",
)

_ARTIFACTORY_PATH = re.compile(r"^(?P<root>.*?/artifactory)/api/pypi/(?P<repo>[^/]+)(?:/|$)")
_NEXUS_PATH = re.compile(r"^(?P<root>.*?)/repository/(?P<repo>[^/]+)(?:/|$)")
_NEXUS_SERVER = re.compile(r"Nexus/(?P<version>\S+)(?:\s+\((?P<edition>[^)]+)\))?")
_ARTIFACTORY_VERSION = re.compile(r"Artifactory/(?P<version>\S+)")


@dataclass(frozen=True)
class ManagerInfo:
    """What answers at the manager URL."""

    product: str  # "artifactory", "nexus" or "unknown"
    #: The repository key (Artifactory) or name (Nexus), from the URL.
    repository: str = ""
    version: str = ""
    edition: str = ""
    #: The base of the product's REST API: ``https://host/artifactory`` or ``https://host``.
    api_root: str = ""
    #: What told it apart, for the finding's detail.
    evidence: str = ""

    @property
    def label(self) -> str:
        names = {"artifactory": "Artifactory", "nexus": "Nexus Repository"}
        name = names.get(self.product, "an unknown server")
        version = f" {self.version}" if self.version else ""
        edition = f" ({self.edition})" if self.edition else ""
        return f"{name}{version}{edition}"


def detect(url: str, headers: Mapping[str, str]) -> ManagerInfo:
    """Name the manager from its PyPI URL and the headers of one of its answers (lower-case
    names). Headers win over the URL shape; a reverse proxy may strip them."""
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"
    jfrog = headers.get("x-jfrog-version", "")
    server = headers.get("server", "")
    artifactory_path = _ARTIFACTORY_PATH.match(parts.path)
    nexus_path = _NEXUS_PATH.match(parts.path)
    if jfrog or headers.get("x-artifactory-id") or server.startswith("Artifactory/"):
        match = _ARTIFACTORY_VERSION.search(jfrog or server)
        root = artifactory_path["root"] if artifactory_path else "/artifactory"
        return ManagerInfo(
            "artifactory",
            artifactory_path["repo"] if artifactory_path else "",
            match["version"] if match else "",
            api_root=origin + root,
            evidence=f"X-JFrog-Version: {jfrog}" if jfrog else f"Server: {server}",
        )
    nexus = _NEXUS_SERVER.search(server)
    if nexus:
        return ManagerInfo(
            "nexus",
            nexus_path["repo"] if nexus_path else "",
            nexus["version"],
            nexus["edition"] or "",
            api_root=origin + (nexus_path["root"] if nexus_path else ""),
            evidence=f"Server: {server}",
        )
    if artifactory_path:
        return ManagerInfo(
            "artifactory",
            artifactory_path["repo"],
            api_root=origin + artifactory_path["root"],
            evidence="the URL shape /artifactory/api/pypi/<key>/",
        )
    if nexus_path:
        return ManagerInfo(
            "nexus",
            nexus_path["repo"],
            api_root=origin + nexus_path["root"],
            evidence="the URL shape /repository/<name>/",
        )
    return ManagerInfo("unknown", evidence="neither its headers nor its URL shape")
