"""The lab's scenarios: each one fault, the story a user would tell, and what asdiag must find.

A scenario declares the finding ids ``asdiag check`` must report at severity warn or fail
(:attr:`Scenario.check_ids`, exactly those, nothing more); an integration test holds every
scenario to it and ``asdiag demo`` shows it. Manager scenarios are served by the lab now; the
findings that diagnose them arrive with repository-manager awareness, which adds their ids.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from asdiag.lab import artifactory, nexus
from asdiag.lab.catalog import Faults

ORG_ID = "6f1c3a2e-8d4b-4c1e-9a7f-2b5d8e0c4a91"
ORG_PASSWORD = "lab-catalog-Pw-7Qx2"
OTHER_ORG_ID = "0b7e9c44-51a3-4f0e-8e2d-7c6a1f93b2d5"
OTHER_ORG_PASSWORD = "lab-other-org-Pw-4Lm8"
WRONG_PASSWORD = "lab-wrong-Pw-9Zk3"
#: Kept out of asdiag's output like any password (`lab serve` prints them on purpose).
SECRETS = (
    ORG_PASSWORD,
    OTHER_ORG_PASSWORD,
    WRONG_PASSWORD,
    *(user.password for user in (artifactory.ADMIN, artifactory.DEVELOPER)),
    *(user.password for user in (nexus.ADMIN, nexus.DEVELOPER)),
)


@dataclass(frozen=True)
class Managers:
    """How the simulated repository managers are set up (defaults: as the vendor advises)."""

    public_in_group: bool = False  # public PyPI in the same virtual/group repository
    deploy_cache: bool = True  # the Artifactory user may fetch uncached packages upstream
    store_locally: bool = True  # Artifactory's "Store Artifacts Locally"
    hash_lookup_broken: bool = False  # Nexus cannot resolve /packages/ links back upstream
    #: Typed after the catalog's base in Artifactory's remote URL ("/simple": the classic slip).
    remote_url_suffix: str = ""
    #: Artifactory's "Allow Anonymous Access" (the env then gives no manager credentials).
    anonymous_access: bool = False
    #: Artifactory Cloud's downloads: 302 to signed URLs on the storage's host.
    signed_downloads: bool = False
    #: The password Nexus's proxy stores for the catalog ("": the right one).
    nexus_upstream_password: str = ""


@dataclass(frozen=True)
class Scenario:
    name: str
    summary: str  # one sentence for `asdiag lab list`
    pip_command: str  # the story, as an admin would see it from pip
    pip_says: str
    check_ids: frozenset[str] = frozenset()
    faults: Faults = field(default_factory=Faults)
    managers: Managers = field(default_factory=Managers)
    #: Requests already spent from the loopback address in the current rate-limit window.
    spent: int = 0
    #: Where asdiag is pointed: the organisation's index, or another organisation's.
    org_in_url: str = ORG_ID
    password: str = ORG_PASSWORD
    #: The manager the scenario's env points at (``artifactory`` or ``nexus``), if any.
    manager: str | None = None
    #: ``asdiag package`` arguments for this scenario, and the ids it must report (warn/fail).
    package_args: tuple[str, ...] = ()
    package_ids: frozenset[str] = frozenset()
    in_demo: bool = False


NOT_FOUND = (
    "ERROR: Could not find a version that satisfies the requirement {0} (from versions: none)"
)

SCENARIOS = (
    Scenario(
        "healthy",
        "A catalog and managers configured as the vendor advises; nothing is wrong.",
        "pip install requests",
        "Successfully installed requests-2.32.3",
        manager="artifactory",
        package_args=("requests", "numpy", "--platform", "linux", "--platform", "windows"),
        in_demo=True,
    ),
    Scenario(
        "bad-password",
        "The password configured is not the catalog's: every authenticated request is refused.",
        "pip install requests",
        NOT_FOUND.format("requests"),
        frozenset({"auth.bad-credentials"}),
        password=WRONG_PASSWORD,
        in_demo=True,
    ),
    Scenario(
        "simple-suffix",
        "Artifactory's remote URL was entered with /simple on the end, so it asks the catalog "
        "for /simple/simple/.",
        "pip install requests",
        NOT_FOUND.format("requests"),
        frozenset({"manager.remote-url-simple-suffix", "manager.upstream-auth-failed"}),
        managers=Managers(remote_url_suffix="/simple"),
        manager="artifactory",
        in_demo=True,
    ),
    Scenario(
        "wrong-org",
        "The URL names another organisation's catalog; the credentials are valid for ours.",
        "pip install requests",
        NOT_FOUND.format("requests"),
        frozenset({"url.username-mismatch", "auth.forbidden"}),
        org_in_url=OTHER_ORG_ID,
        in_demo=True,
    ),
    Scenario(
        "rate-limited",
        "This address has spent the catalog's 2000 requests per 5 minutes; it answers 429.",
        "pip install requests",
        "WARNING: Retrying (Retry(total=4, ...)) after connection broken by 'ResponseError('too "
        "many 429 error responses')'",
        frozenset({"http.rate-limited"}),
        spent=2000,
        in_demo=True,
    ),
    Scenario(
        "outage",
        "The catalog is down and answers 503 to everything.",
        "pip install requests",
        "WARNING: Retrying ... 'too many 503 error responses'",
        frozenset({"http.server-error"}),
        faults=Faults(outage=True),
        in_demo=True,
    ),
    Scenario(
        "missing-package",
        "The catalog is healthy but does not hold pandas, which nobody requested.",
        "pip install pandas",
        NOT_FOUND.format("pandas"),
        package_args=("pandas",),
        package_ids=frozenset({"package.not-found"}),
    ),
    Scenario(
        "no-macos",
        "numpy is in the catalog, built for Linux and Windows only (macOS was not requested).",
        "pip install numpy   # on a Mac",
        NOT_FOUND.format("numpy"),
        package_args=("numpy", "--platform", "macos"),
        package_ids=frozenset({"package.no-compatible-wheel", "package.no-macos-builds"}),
    ),
    Scenario(
        "login-page",
        "The URL leads to a sign-in page instead of the index (a web address, not the catalog's).",
        "pip install requests",
        NOT_FOUND.format("requests"),
        frozenset({"index.not-simple"}),
        faults=Faults(login_page=True),
        in_demo=True,
    ),
    Scenario(
        "files-unreachable",
        "Pages list the files, but every download answers 404.",
        "pip install requests",
        "ERROR: HTTP error 404 while getting .../requests-2.32.3-py3-none-any.whl",
        faults=Faults(files_missing=True),
        package_args=("requests",),
        package_ids=frozenset({"package.file-unreachable"}),
    ),
    Scenario(
        "mixed-public-pypi",
        "Public PyPI sits beside the catalog in the same virtual/group repository, bypassing "
        "curation.",
        "pip install pandas   # through the manager",
        "Successfully installed pandas-2.3.1   (from public PyPI, not the catalog)",
        frozenset({"manager.public-pypi-mixed"}),
        managers=Managers(public_in_group=True),
        manager="artifactory",
        package_args=("pandas", "--via", "both", "--platform", "linux", "--python", "3.12"),
        package_ids=frozenset({"package.outside-catalog", "package.not-found"}),
        in_demo=True,
    ),
    Scenario(
        "missing-deploy-cache",
        "The Artifactory user lacks Deploy/Cache: cached packages install, uncached ones do not.",
        "pip install cryptography   # through Artifactory",
        NOT_FOUND.format("cryptography"),
        frozenset({"manager.deploy-cache-missing"}),
        managers=Managers(deploy_cache=False),
        manager="artifactory",
        package_args=("cryptography", "--via", "both", "--platform", "linux", "--python", "3.12"),
        package_ids=frozenset({"package.missing-in-manager"}),
        in_demo=True,
    ),
    Scenario(
        "caching-disabled",
        "Artifactory stores nothing locally, so every install goes to the catalog and spends "
        "its rate limit.",
        "pip install requests   # in 40 parallel CI jobs",
        "(works, until the catalog starts answering 429)",
        frozenset({"manager.caching-disabled"}),
        managers=Managers(store_locally=False),
        manager="artifactory",
        package_args=("requests", "--via", "both"),
    ),
    Scenario(
        "nexus-hash-lookup",
        "Nexus serves the index but cannot map /packages/ links back to the catalog's files.",
        "pip install requests   # through Nexus",
        "ERROR: HTTP error 404 while getting .../repository/activestate/packages/requests/...",
        frozenset({"manager.files-unreachable"}),
        managers=Managers(hash_lookup_broken=True),
        manager="nexus",
        package_args=("requests", "--via", "manager"),
        package_ids=frozenset({"package.file-unreachable"}),
    ),
    Scenario(
        "artifactory-anonymous",
        "Artifactory allows anonymous access and pip is given no credentials: it gets what the "
        "anonymous user may do.",
        "pip install requests   # through Artifactory, no credentials",
        "Successfully installed requests-2.32.3",
        managers=Managers(anonymous_access=True),
        manager="artifactory",
        package_args=("requests", "--via", "manager", "--platform", "linux"),
    ),
    Scenario(
        "signed-downloads",
        "Artifactory Cloud redirects downloads to signed storage URLs on another host, which "
        "refuse any Authorization header; nothing is wrong.",
        "pip install requests   # through Artifactory",
        "Successfully installed requests-2.32.3",
        managers=Managers(signed_downloads=True),
        manager="artifactory",
        package_args=("requests", "--via", "manager", "--platform", "linux"),
    ),
    Scenario(
        "nexus-upstream-refused",
        "Nexus's proxy stores a wrong password for the catalog: it answers 503, then blocks "
        "itself; its group still answers 200, with empty pages.",
        "pip install requests   # through Nexus",
        NOT_FOUND.format("requests"),
        frozenset({"manager.upstream-auth-failed", "manager.remote-blocked"}),
        managers=Managers(nexus_upstream_password=WRONG_PASSWORD),
        manager="nexus",
        package_args=("requests", "pandas", "--via", "both", "--platform", "linux"),
        package_ids=frozenset({"package.missing-in-manager", "package.not-found"}),
        in_demo=True,
    ),
)

BY_NAME = {scenario.name: scenario for scenario in SCENARIOS}
