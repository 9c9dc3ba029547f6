"""The id registry: every finding id asdiag can report, with its title and explanation.

Ids are stable dotted slugs and the contract for JSON consumers and ``asdiag explain``.
``docs/findings.md`` is generated from this table (``python -m asdiag.findings_doc``) and a
test keeps the two equal. Adding an id means adding it here, a test that produces it over real
HTTP, and regenerating the docs.
"""

from __future__ import annotations

from asdiag.findings import FindingKind
from asdiag.findings import Severity as S

_CURL_SIMPLE = 'curl -u "$ORG_ID" "https://repository.activestate.com/$ORG_ID/pypi/simple/"'

KINDS: tuple[FindingKind, ...] = (
    # --- config -----------------------------------------------------------------------------
    FindingKind(
        "config.ok",
        S.OK,
        "Settings resolved",
        "asdiag found a catalog URL to diagnose and reports where each setting came from: a "
        "flag, an ASDIAG_* environment variable, a profile in the config file, or a default.",
        "Nothing to change.",
    ),
    FindingKind(
        "config.missing-url",
        S.FAIL,
        "No catalog URL to diagnose",
        "asdiag needs the base URL of the catalog (for the curated catalog, "
        "https://repository.activestate.com/<org-uuid>/pypi). None was given as a flag, in "
        "the ASDIAG_CATALOG_URL environment variable or in the config file, so no other check "
        "can run.",
        "Pass the catalog's base URL with --catalog-url, set ASDIAG_CATALOG_URL, or add "
        "catalog_url to a profile in the config file.",
        ('asdiag check --catalog-url "https://repository.activestate.com/$ORG_ID/pypi"',),
    ),
    # --- credentials ------------------------------------------------------------------------
    FindingKind(
        "credentials.ok",
        S.OK,
        "Password found",
        "asdiag has a password for the catalog and reports where it came from (never the value): "
        "standard input, the environment, the URL, .netrc or the system keyring.",
        "Nothing to change.",
    ),
    FindingKind(
        "credentials.keyring-unavailable",
        S.WARN,
        "The system keyring cannot be used",
        "No password was given another way, so asdiag asked the system keyring, which is "
        "missing, disabled (null backend), failing, or locked (it did not answer in time). "
        "Credentials stored with `asdiag login` cannot be read here, and pip's keyring support "
        "will not work either.",
        "Give the password another way: ASDIAG_PASSWORD (from a CI secret), or a .netrc entry "
        "with mode 0600; or install a keyring backend (keyrings.cryptfile encrypts with a "
        "passphrase; keyrings.alt's PlaintextKeyring stores the password unencrypted) and run "
        "`asdiag login`.",
        ("chmod 600 ~/.netrc", "asdiag login"),
    ),
    # --- url --------------------------------------------------------------------------------
    FindingKind(
        "url.ok",
        S.OK,
        "Catalog URL is well formed",
        "The catalog URL parses, uses https (or http to a loopback address), has the expected "
        "path shape and carries no credentials.",
        "Nothing to change.",
    ),
    FindingKind(
        "url.invalid",
        S.FAIL,
        "Catalog URL cannot be used",
        "The URL does not parse, has no host, or uses a scheme other than http or https. "
        "Nothing can be requested from it.",
        "Give the full base URL, with scheme and host, for example "
        "https://repository.activestate.com/<org-uuid>/pypi.",
    ),
    FindingKind(
        "url.insecure-scheme",
        S.FAIL,
        "Catalog URL uses plain http",
        "Over plain http the password travels in clear text to anyone on the path. asdiag "
        "refuses to send credentials over http except to a loopback address, and repository "
        "managers should not either. The catalog itself is served over https.",
        "Use the https:// form of the URL.",
    ),
    FindingKind(
        "url.simple-suffix",
        S.FAIL,
        "Catalog URL repeats /simple",
        "The URL ends in /simple/simple (or /simple/+simple): the index segment appears twice. "
        "That is the path a repository manager builds when its remote URL is already an index "
        "URL, and no index answers there. asdiag ran its network checks against the index root "
        "it ends in, so the rest of the diagnosis still applies. A single /simple is fine: "
        "asdiag takes the base URL or the index URL.",
        "Give asdiag and pip the index URL (…/pypi/simple/), and a repository manager's remote "
        "URL the base (…/pypi): the manager adds /simple/ itself.",
    ),
    FindingKind(
        "url.trailing-slash",
        S.WARN,
        "Catalog URL has a stray slash",
        "The base URL ends with a slash or contains an empty path segment (//). Managers join "
        "/simple/ to it and some then request a path with a double slash, which servers may "
        "not treat as the same resource. The vendor asks for the form without a trailing slash.",
        "Write the base URL without a trailing slash and without //, for example "
        "https://repository.activestate.com/<org-uuid>/pypi.",
    ),
    FindingKind(
        "url.org-id-invalid",
        S.FAIL,
        "Organisation id in the URL is not valid",
        "On the catalog's host the path must be /<org-uuid>/pypi, where <org-uuid> is the "
        "organisation id the vendor issued (a UUID such as "
        "b5865a43-1f24-48df-b6f3-8c932c7aae29). Another path, or a segment that is not a UUID, "
        "points at no catalog: expect 403 or 404.",
        "Copy the URL exactly as the vendor provided it: https://repository.activestate.com/"
        "<org-uuid>/pypi.",
    ),
    FindingKind(
        "url.username-mismatch",
        S.FAIL,
        "Username is not the organisation id",
        "The catalog's username is the organisation id, the same UUID that appears in the URL. "
        "Any other username is refused with a second 401 even when the password is right.",
        "Use the organisation id from the URL as the username (asdiag does so by default when "
        "no username is given).",
    ),
    FindingKind(
        "url.credentials-embedded",
        S.WARN,
        "Credentials are embedded in the URL",
        "A user:password@ part in a URL ends up in shell history, CI logs, process lists and "
        "configuration files that get shared. asdiag used these credentials for this run and "
        "shows them redacted, but they should live somewhere safer.",
        "Remove the credentials from the URL and provide the password with ASDIAG_PASSWORD or "
        "--password-stdin (the username defaults to the organisation id).",
        ('printf %s "$CATALOG_PASSWORD" | asdiag check --password-stdin',),
    ),
    FindingKind(
        "url.not-catalog-host",
        S.INFO,
        "Not the curated catalog's host",
        "The URL does not point at repository.activestate.com, so the checks that only make "
        "sense for the vendor's catalog (the /<org-uuid>/pypi path, the username rule) are "
        "relaxed. This is expected for a repository manager, a test server or the lab.",
        "Nothing to change if this is the index you meant to diagnose.",
    ),
    # --- network ----------------------------------------------------------------------------
    FindingKind(
        "net.proxy",
        S.INFO,
        "Proxy in effect",
        "Which proxy asdiag used for the catalog, from the HTTPS_PROXY/HTTP_PROXY/ALL_PROXY "
        "environment variables (upper or lower case) after NO_PROXY, or that the connection "
        "is direct. pip, uv and repository managers each have their own proxy settings, so a "
        "difference here can explain why one tool connects and another does not.",
        "Nothing to change if this is the route you expect.",
    ),
    FindingKind(
        "net.dns-ok",
        S.OK,
        "Host name resolves",
        "The catalog's host name resolved to at least one address.",
        "Nothing to change.",
    ),
    FindingKind(
        "net.dns-failed",
        S.FAIL,
        "Host name does not resolve",
        "The host name in the URL could not be resolved. It is misspelt, the machine has no "
        "working DNS, or the network only resolves external names through a proxy.",
        "Check the spelling of the host. If this network reaches the internet only through a "
        "proxy, set HTTPS_PROXY so that the proxy resolves the name.",
        ("getent hosts repository.activestate.com",),
    ),
    FindingKind(
        "net.connect-ok",
        S.OK,
        "Server reachable",
        "A connection was opened and the server answered an HTTP request.",
        "Nothing to change.",
    ),
    FindingKind(
        "net.server",
        S.INFO,
        "Index server identified",
        "The software that answered at the index URL, named from its answers' headers "
        "(devpi's X-Devpi-Server-Version, Artifactory's X-JFrog-Version, Nexus's Server header) "
        "or the vendor's host, with the index root asdiag asked. Servers differ in their layout "
        "and in what their refusals mean, so the rest of the report reads their answers "
        "accordingly. A reverse proxy that strips the headers leaves the server unidentified.",
        "Nothing to change.",
    ),
    FindingKind(
        "net.server-layout",
        S.WARN,
        "The server's index is at another path",
        "The server answered 404 at the index root asked, and its own layout puts the index "
        "elsewhere: devpi serves /<user>/<index>/+simple/ and treats /simple/ as a project "
        "named 'simple'. asdiag asked the server's own path once, found the index there and "
        "used it for the rest of the checks; a client configured with the first URL finds "
        "nothing.",
        "Configure pip and uv with the index URL asdiag found (pip's index-url, uv's index url).",
    ),
    FindingKind(
        "net.connect-refused",
        S.FAIL,
        "Connection refused",
        "The host answered, but nothing accepts connections on that port: a wrong port, a "
        "stopped server, or a firewall that actively rejects the connection.",
        "Check the port in the URL and that the server is running; from a locked-down network, "
        "ask for outbound https to the catalog to be allowed or set HTTPS_PROXY.",
    ),
    FindingKind(
        "net.connect-timeout",
        S.FAIL,
        "Connection timed out",
        "No connection could be opened within the timeout. A firewall that silently drops "
        "packets, a missing route, or a proxy that the network requires are the usual causes.",
        "Check that outbound https to the host is allowed from this machine, or set HTTPS_PROXY "
        "if the network requires a proxy. Raise --timeout only for very slow links.",
    ),
    FindingKind(
        "net.read-timeout",
        S.FAIL,
        "Server stopped answering",
        "The connection opened, but the server sent nothing (or stopped sending) within the "
        "timeout: an overloaded server, an outage, or a proxy holding the connection.",
        "Try again later and check the vendor's status; raise --timeout if the link is slow.",
    ),
    FindingKind(
        "net.connection-reset",
        S.FAIL,
        "Connection broken mid-answer",
        "The server or something in between closed the connection before the answer was "
        "complete. Intercepting proxies, load balancers and servers under pressure do this.",
        "Retry; if it persists, compare with a request from outside the corporate network and "
        "involve whoever runs the proxy.",
    ),
    FindingKind(
        "net.body-truncated",
        S.FAIL,
        "Answer cut short",
        "The answer's head arrived, then the connection closed before the body was complete: "
        "fewer bytes than its Content-Length announced, or a chunked body without its end. "
        "pip fails the same way on that request (an incomplete read). A proxy that limits "
        "sizes or times, a load balancer dropping long transfers, or a server that crashed "
        "mid-answer does this; the detail says which request and how much arrived.",
        "Retry once; if it persists, fetch the same URL with curl from this machine and from "
        "outside the corporate network, and give whoever runs the proxy or the server the "
        "request and the byte count.",
    ),
    FindingKind(
        "net.slow-body",
        S.FAIL,
        "Answer arrived too slowly",
        "The server answered, then sent the body so slowly that the request did not finish "
        "within its time limit (--timeout bounds each request as a whole: connect, head and "
        "body). The detail shows how many bytes came and at what rate. A congested link, a "
        "scanning proxy that trickles data, or a server under load does this; pip would sit on "
        "the same download.",
        "If the link is known to be slow, raise --timeout; otherwise look at the proxy or the "
        "server that trickles, with the byte count and rate from the detail.",
    ),
    FindingKind(
        "net.connect-failed",
        S.FAIL,
        "Connection failed",
        "The connection failed for a reason other than DNS, refusal, timeout or TLS; the detail "
        "carries the system's message.",
        "Read the detail; check the network path to the host and any proxy in between.",
    ),
    FindingKind(
        "http.undecodable-body",
        S.FAIL,
        "Answer cannot be decoded",
        "The answer declares a Content-Encoding (gzip, deflate, br) but its body is not valid in "
        "that encoding. A proxy that rewrites or truncates compressed answers, or a server that "
        "labels plain bytes as compressed, does this; no client can read the page.",
        "Have the server or proxy send the body as its Content-Encoding says (or uncompressed); "
        "the detail names the request.",
    ),
    FindingKind(
        "run.deadline-reached",
        S.ERROR,
        "Stopped at the command's deadline",
        "The command has an overall deadline (--deadline) so that a server that stalls or "
        "trickles can never hold a run, or a CI job, open for ever. It passed before every "
        "request was made: what was found is reported, and what could not be finished is "
        "listed here. The diagnosis is incomplete (exit 3).",
        "Run again, with a larger --deadline if the servers are slow but working; the other "
        "findings say which server was slow.",
    ),
    FindingKind(
        "tls.ok",
        S.OK,
        "TLS certificate verified",
        "The server's certificate chains to a trusted authority and matches the host name. The "
        "finding names the CA bundle used and where that choice came from.",
        "Nothing to change.",
    ),
    FindingKind(
        "tls.verify-failed",
        S.FAIL,
        "TLS certificate not trusted",
        "The server's certificate could not be verified. When the issuer is not a public "
        "authority, a corporate proxy is most likely intercepting https and re-signing "
        "certificates with the company's own CA, which this machine's CA bundle does not "
        "contain. An expired certificate or a host name mismatch are the other causes. asdiag "
        "never turns verification off.",
        "Obtain the company's root CA certificate (PEM) and pass it with --ca-bundle or "
        "SSL_CERT_FILE; give pip the same file with PIP_CERT or `pip config set global.cert`.",
        ("asdiag check --ca-bundle /path/to/company-root-ca.pem",),
    ),
    # --- auth -------------------------------------------------------------------------------
    FindingKind(
        "auth.challenge-ok",
        S.OK,
        "Authentication handshake works",
        "Without credentials the index answered 401 with a Basic challenge; with them it "
        "answered 200. This is the normal handshake: repository managers send a first request "
        "without credentials, receive the 401, and retry with them.",
        "Nothing to change.",
    ),
    FindingKind(
        "auth.no-challenge",
        S.WARN,
        "Anonymous requests refused without a challenge",
        "The index refuses anonymous requests but does not answer 401 with a WWW-Authenticate "
        "header, so clients that wait for a challenge before sending credentials never send "
        "them. Credentials sent up front work (asdiag's authenticated request did).",
        "Configure the client or manager to send credentials preemptively (credentials in the "
        "URL or .netrc for pip; preemptive authentication in the manager).",
    ),
    FindingKind(
        "auth.other-origin-refused",
        S.FAIL,
        "Another origin wants credentials",
        "A request was redirected to, or a page linked to, another origin (scheme, host and "
        "port) than the URL the credentials were configured for, and that origin answered "
        "401 or 403. asdiag never sends credentials outside their origin, and pip and uv do "
        "not either (they drop them on a redirect to another host), so the credentials were "
        "never tried there: the answer is about the other origin, not about the password. "
        "Indexes that serve files from a separate host must serve them without credentials "
        "(signed URLs) or at the configured origin.",
        "Point the client at the origin that serves the pages and files, or have that server "
        "serve its files from the same origin or without credentials; the detail names the "
        "URL that refused.",
    ),
    FindingKind(
        "auth.missing-credentials",
        S.FAIL,
        "No credentials, and the index requires them",
        "The index refused an anonymous request and asdiag had no password to try. The catalog "
        "always requires credentials: the organisation id as username and the password the "
        "vendor issued.",
        "Provide the password with ASDIAG_PASSWORD or --password-stdin; the username defaults "
        "to the organisation id in the URL.",
        ('printf %s "$CATALOG_PASSWORD" | asdiag check --password-stdin',),
    ),
    FindingKind(
        "auth.bad-credentials",
        S.FAIL,
        "Credentials rejected",
        "The request with credentials was answered 401 again: two 401s in a row, the signature "
        "of a wrong username or password. In a repository manager's request log this shows as "
        "a 401 followed by another 401 for the same URL. Passwords do not expire on their own, "
        "so a typo, a truncated paste or a username other than the organisation id is likely.",
        "Enter the credentials again (username: the organisation id; password: exactly as "
        "issued) in asdiag and in the repository manager, then test with curl; ask the vendor "
        "for a new password if it still fails.",
        (_CURL_SIMPLE,),
    ),
    FindingKind(
        "auth.forbidden",
        S.FAIL,
        "Access forbidden with credentials",
        "The index answered 403 to the authenticated request. Several causes produce it and "
        "the finding lists those that fit, most likely first: a wrong URL or organisation id "
        "(another organisation's catalog), a repeated /simple that makes the manager build "
        "invalid URLs, a server that answers a wrong password with 403 instead of 401 "
        "(pypiserver, devpi), or, through Artifactory, a user without Deploy/Cache permission "
        "on the remote repository.",
        "Compare the URL character by character with the one the vendor issued, check that "
        "the username is the organisation id in that URL, and retry the password with curl.",
        (_CURL_SIMPLE,),
    ),
    FindingKind(
        "auth.not-found-with-credentials",
        S.FAIL,
        "Not found with credentials",
        "The anonymous request was refused, and the authenticated one was answered 404. "
        "Either the path is wrong (for example a devpi index served at /+simple/, or a missing "
        "/pypi), or the server hides resources the user may not read behind 404, as devpi and "
        "Artifactory can.",
        "Check the path of the URL against the one the vendor issued; if it is right, check "
        "that this user may read this index.",
    ),
    FindingKind(
        "auth.anonymous-allowed",
        S.WARN,
        "Index answers without credentials",
        "The index served its listing to a request without credentials. The curated catalog "
        "never does, so this URL is probably not the catalog: a public index, a manager's "
        "virtual repository with anonymous access, or a mirror.",
        "Make sure the URL is the catalog's; if it is a repository manager, decide whether "
        "anonymous read access is intended.",
    ),
    # --- index ------------------------------------------------------------------------------
    FindingKind(
        "index.ok",
        S.OK,
        "Simple index answers",
        "<base>/simple/ returned a valid simple repository index (PEP 503 HTML or PEP 691 "
        "JSON); the finding counts its projects and names the API version it declares.",
        "Nothing to change.",
    ),
    FindingKind(
        "index.empty",
        S.WARN,
        "Simple index lists no projects",
        "The index answered correctly but lists no projects. The catalog may not have been "
        "built yet, or the credentials belong to an organisation whose catalog is empty.",
        "Confirm with the vendor that packages have been built for this organisation.",
    ),
    FindingKind(
        "index.not-found",
        S.FAIL,
        "No simple index at this URL",
        "The index root answered 404 with and without credentials: the URL does not point at "
        "an index this user may see. Typical causes are a missing or extra path segment, a typo "
        "in the organisation id, or a server that hides indexes a user may not read behind 404 "
        "(devpi with a read ACL answers 'index not found'); the server's own message is quoted. "
        "asdiag takes the base URL or the index URL (…/simple/, devpi's …/+simple/).",
        "Use the URL exactly as issued: https://repository.activestate.com/<org-uuid>/pypi or "
        "its index URL …/pypi/simple/; if the server says the index is not found, ask its "
        "administrator whether this user may read it.",
    ),
    FindingKind(
        "index.not-simple",
        S.FAIL,
        "Answer is not a simple index",
        "The request succeeded but the body is not a simple repository index: a login page, a "
        "web UI, a proxy's error page or another API. pip would find no packages here. The "
        "first bytes of the body are shown, redacted.",
        "Point the URL at the index itself (the base that /simple/ is appended to), not at a "
        "web page; if a proxy or single sign-on page answered, let the index's host bypass it.",
    ),
    FindingKind(
        "index.repository-version",
        S.WARN,
        "Index declares a newer API version",
        "PEP 629: the index declares its simple API version. A higher major version than "
        "asdiag and pip understand means the format changed incompatibly (fail); a higher "
        "minor version only adds features, which clients may ignore (warn).",
        "For a major version, update asdiag and pip; for a minor version, nothing is required.",
    ),
    # --- http -------------------------------------------------------------------------------
    FindingKind(
        "http.ok",
        S.OK,
        "No rate limiting or server errors",
        "None of asdiag's requests was answered 429 or 5xx, nor ran into a redirect loop or an "
        "oversized body. Rate-limit headers, when the server sends them, are shown.",
        "Nothing to change.",
    ),
    FindingKind(
        "http.rate-limited",
        S.FAIL,
        "Rate limited (429)",
        "The server answered 429 Too Many Requests. The catalog allows 2000 requests per 5 "
        "minutes per client address, and every repository manager of the organisation behind "
        "the same address counts against it. The usual causes: caching turned off in the "
        "manager (Artifactory's 'Store Artifacts Locally'), CI jobs running in parallel against "
        "a cold cache, pip run with --no-cache-dir or PIP_NO_CACHE_DIR, or pip pointed at the "
        "catalog directly instead of through a manager.",
        "Wait for the time in Retry-After; then turn on caching in the repository manager, "
        "warm its cache before parallel CI runs, and remove --no-cache-dir and "
        "PIP_NO_CACHE_DIR from CI.",
    ),
    FindingKind(
        "http.server-error",
        S.FAIL,
        "Server error (5xx)",
        "The server answered with a 5xx status: an outage, a failing upstream behind a proxy, "
        "or, in the catalog's case, its weekly maintenance window (Sundays 02:00-03:15 UTC).",
        "Retry later; if it persists outside the maintenance window, report it to the vendor "
        "with this output (--format markdown).",
    ),
    FindingKind(
        "http.redirect-loop",
        S.FAIL,
        "Too many redirects",
        "The server kept redirecting (a loop, or more hops than any index needs). Often a "
        "single sign-on page or a proxy redirecting to itself.",
        "Open the URL in a browser to see where it leads, and point the URL at the index "
        "rather than at a page behind a login.",
    ),
    FindingKind(
        "http.bad-redirect",
        S.FAIL,
        "Redirect to an unusable URL",
        "The server redirected to a Location that is not an http(s) URL with a host (another "
        "scheme, a malformed URL, a port that is not a number). Neither asdiag nor pip can "
        "follow it.",
        "Fix the redirect on the server, or point the URL at the place the index really is.",
    ),
    FindingKind(
        "http.body-too-large",
        S.FAIL,
        "Answer too large",
        "The body exceeded the size asdiag reads (or never ended), so asdiag stopped reading. "
        "A simple index of a curated catalog is small; an endless or huge answer is not an "
        "index.",
        "Check that the URL points at the index and not at a file or a stream.",
    ),
    FindingKind(
        "http.unexpected-status",
        S.FAIL,
        "Unexpected HTTP status",
        "The index answered with a status that an index does not normally send to a GET (for "
        "example 400, 405, or 407 from a proxy that wants its own credentials).",
        "Read the status and body in the detail; a 407 needs the proxy's credentials in "
        "HTTPS_PROXY.",
    ),
    # --- schedule ---------------------------------------------------------------------------
    FindingKind(
        "schedule.ok",
        S.OK,
        "Outside the maintenance window",
        "The catalog has a weekly maintenance window on Sundays from 02:00 to 03:15 UTC, "
        "during which it may be unavailable. This run is outside it.",
        "Nothing to change.",
    ),
    FindingKind(
        "schedule.maintenance-window",
        S.WARN,
        "Inside the catalog's maintenance window",
        "This run falls in the catalog's weekly maintenance window (Sundays 02:00-03:15 UTC). "
        "Errors and connection failures seen now may be the maintenance itself; repository "
        "managers keep serving what they have cached.",
        "Run asdiag again after 03:15 UTC before changing any configuration.",
    ),
    # --- manager (through the repository manager) ----------------------------------------------
    FindingKind(
        "manager.detected",
        S.INFO,
        "Repository manager identified",
        "asdiag names the product at the manager URL (Artifactory or Nexus, version and "
        "edition) from its response headers and URL shape, and the repository the URL names.",
        "Nothing to change.",
    ),
    FindingKind(
        "manager.refused",
        S.FAIL,
        "The manager refused the request",
        "The manager's index answered 401 or 403: the manager credentials are missing or wrong, "
        "or the user may not read this repository.",
        "Check the manager username and password (ASDIAG_MANAGER_USERNAME, "
        "ASDIAG_MANAGER_PASSWORD) and the user's Read permission on the repository.",
    ),
    FindingKind(
        "manager.unavailable",
        S.FAIL,
        "The manager did not answer usefully",
        "The manager's index could not be fetched: a network failure, a rate limit or a server "
        "error.",
        "Check the manager URL and that the manager is running; retry after any Retry-After.",
    ),
    FindingKind(
        "manager.anonymous-access",
        S.INFO,
        "The manager answers without credentials",
        "No manager credentials were given and the manager served its index anyway: anonymous "
        "access is on (Artifactory's \"Allow Anonymous Access\", Nexus's anonymous user). "
        "Clients without credentials then get the anonymous user's permissions; in "
        'Artifactory as installed, the default "Any Remote" target gives it Deploy/Cache on '
        "every remote, so anyone who reaches the manager can pull from the catalog through it.",
        "Nothing to change if that is intended; otherwise turn anonymous access off, or remove "
        "the anonymous user from the default targets, and give pip credentials.",
    ),
    FindingKind(
        "manager.remote-blocked",
        S.FAIL,
        "Nexus has blocked the catalog's proxy",
        "A Nexus proxy whose upstream answers 401, 407 or server errors, or cannot be reached, "
        "blocks it: for 40 seconds, then longer after each new failure (40, 80, 120, 200 s ...), "
        "or until an administrator unblocks it when it was blocked by hand. While blocked it "
        "asks the catalog for nothing: cached packages still install, every other answers 404 "
        '"Remote Auto Blocked until <time>" (or "Remote Manually Blocked"), and a group in '
        "front of it answers empty pages. Nexus before 3.38 answers 502 instead.",
        "Fix what made the upstream fail first (the proxy's stored username and password for "
        "the catalog: see manager.upstream-auth-failed), then in Nexus open the proxy "
        "repository and clear Blocked under HTTP, or wait for the auto-block to end.",
    ),
    FindingKind(
        "manager.index-not-found",
        S.FAIL,
        "The manager has no index at this URL for this user",
        "The manager's index URL answered 404: the repository key (Artifactory) or name (Nexus) "
        "is wrong, the repository is not a PyPI one, or the manager hides what a user may not "
        'read (Artifactory\'s "Hide Existence of Unauthorized Resources" answers 404 instead '
        "of 401 or 403, also for a wrong password). pip then says 'from versions: none' for "
        "every package.",
        "Check the repository key in the URL against the manager's list of repositories; if it "
        "is right, check the manager password, then give the user Read on it (Artifactory: a "
        "permission target naming it).",
    ),
    FindingKind(
        "manager.not-simple",
        S.FAIL,
        "The manager URL is not a simple index",
        "The manager URL answered 200, but not with a simple index: a UI page, a login page or "
        "another API.",
        "Use the repository's PyPI URL: https://HOST/artifactory/api/pypi/<key>/simple/ or "
        "https://HOST/repository/<name>/simple/.",
    ),
    FindingKind(
        "manager.public-pypi-mixed",
        S.FAIL,
        "Public PyPI is mixed in with the catalog",
        "The repository developers use serves projects from public PyPI beside the curated "
        "catalog (a virtual or group repository with both remotes). Public packages bypass "
        "curation, and a public package with an internal name is the dependency-confusion "
        "attack. The vendor's rule: never the catalog and pypi.org in the same virtual or group "
        "repository. Your own hosted packages beside the catalog are allowed.",
        "Remove the public PyPI remote from this virtual/group repository; if public packages "
        "are allowed at all, serve them from a separate repository.",
    ),
    FindingKind(
        "manager.upstream-auth-failed",
        S.FAIL,
        "The manager cannot fetch from the catalog",
        "The catalog answers directly with the organisation's credentials, but no catalog "
        "project comes through the manager: the credentials stored in the remote/proxy "
        "repository are wrong or missing (through a manager, two 401s in a row in its logs), "
        "or its URL is wrong.",
        "In the remote (Artifactory) or proxy (Nexus) repository, set the username to the "
        "organisation id and the password as issued, and the URL to the catalog's base URL "
        "without /simple; then clear its negative cache.",
    ),
    FindingKind(
        "manager.deploy-cache-missing",
        S.FAIL,
        "The users lack Deploy/Cache on the catalog's remote",
        "In Artifactory, Read only serves what the remote has already cached; fetching anything "
        "new from the catalog also needs Deploy/Cache. Cached packages download, new ones get "
        "404 or 403.",
        "Add Deploy/Cache (write) for these users on the catalog's remote repository in the "
        "permission target, beside Read.",
    ),
    FindingKind(
        "manager.repository-unreadable",
        S.WARN,
        "One repository's configuration could not be read",
        "The configuration API listed the repository but did not give its configuration (a "
        "404, a server error, or a body that is not the JSON it documents). asdiag audits "
        "every other repository and reports this one on its own; while any repository is "
        "unread it does not claim that no remote points at the catalog.",
        "Open the repository in the manager's UI and check its configuration by hand, or run "
        "the audit again; a server error there is worth the manager's log.",
    ),
    FindingKind(
        "manager.permissions-undecided",
        S.WARN,
        "Whether the user may cache could not be decided",
        "asdiag decides Deploy/Cache as Artifactory does: the user's own grants, the grants of "
        "each of its groups, administrators, and the targets naming the remote by key or as ANY "
        "or ANY REMOTE. Something it needs was not readable (the user's record, for a user "
        "from an external realm or without the right to read users; the permission targets), "
        "or a target grants Deploy/Cache only within include/exclude patterns. It says what, "
        "rather than guess.",
        "Check in Administration > Permissions that a target covering the catalog's remote "
        "grants Read and Deploy/Cache to the user or one of its groups; run the audit as an "
        "administrator who may read users and permissions.",
    ),
    FindingKind(
        "manager.caching-disabled",
        S.FAIL,
        "The manager does not cache the catalog",
        "The catalog's remote stores nothing locally, so every install goes to the catalog and "
        "counts against its 2000 requests per 5 minutes: the first cause of 429s in the "
        "vendor's FAQ.",
        "Turn on 'Store Artifacts Locally' (storeArtifactsLocally) on the catalog's remote "
        "repository.",
    ),
    FindingKind(
        "manager.files-unreachable",
        S.FAIL,
        "The manager lists files it cannot serve",
        "A project page comes through the manager, but a file it links fails. In Nexus this is "
        "the /packages/ hash lookup failing to map the file back to the catalog (nexus.log: "
        "'Failed to resolve package'); in Artifactory, an upstream link shape it cannot map.",
        "Check the manager's log for the file name; in Nexus, check the proxy's remote URL (the "
        "catalog's base URL with a trailing slash, no /simple) and invalidate its cache.",
    ),
    FindingKind(
        "manager.audit-ok",
        S.OK,
        "Manager configuration as the vendor advises",
        "The remote/proxy repositories that point at the catalog have a base URL without "
        "/simple, credentials, caching on and are online; no virtual or group repository mixes "
        "the catalog with public PyPI.",
        "Nothing to change.",
    ),
    FindingKind(
        "manager.no-catalog-remote",
        S.FAIL,
        "No repository points at the catalog",
        "None of the manager's PyPI remote (Artifactory) or proxy (Nexus) repositories has the "
        "catalog as its upstream, so nothing from the catalog can come through this manager.",
        "Create a PyPI remote/proxy repository with the catalog's base URL "
        "(https://repository.activestate.com/<org-uuid>/pypi), the organisation id as username "
        "and the issued password.",
    ),
    FindingKind(
        "manager.remote-url-simple-suffix",
        S.FAIL,
        "The catalog's remote URL ends in /simple",
        "The remote/proxy repository's URL is the catalog's base URL with /simple on the end. "
        "The manager appends /simple/ itself, so it asks for /simple/simple/ and finds nothing.",
        "Set the URL to the catalog's base URL, without /simple.",
    ),
    FindingKind(
        "manager.registry-url-missing",
        S.FAIL,
        "Artifactory's Registry URL is not the catalog",
        "An Artifactory PyPI remote has two URLs: URL (files) and Registry URL (the index). Both "
        "must be the catalog's base URL; a Registry URL left at https://pypi.org sends index "
        "requests to public PyPI.",
        "In the remote repository, set both URL and Registry URL (pyPIRegistryUrl) to the "
        "catalog's base URL, without /simple.",
    ),
    FindingKind(
        "manager.remote-offline",
        S.FAIL,
        "The catalog's remote is offline or blocked",
        "The remote/proxy repository is marked offline or blacked out (Artifactory), or offline "
        "or blocked (Nexus, including auto-blocking after upstream errors): only what is cached "
        "is served.",
        "Set it online and unblock it; in Nexus, check why it was auto-blocked (the upstream's "
        "answers in nexus.log).",
    ),
    FindingKind(
        "manager.remote-credentials-missing",
        S.FAIL,
        "The catalog's remote has no credentials",
        "The remote/proxy repository that points at the catalog has no username configured, so "
        "it can never answer the catalog's 401 challenge.",
        "Set the username to the organisation id and the password as issued.",
    ),
    FindingKind(
        "manager.xray-enabled",
        S.WARN,
        "Xray indexes the catalog's remote",
        "Xray indexing is on for the remote that proxies the catalog. The vendor advises against "
        "it: the packages are already curated, and indexing adds upstream requests.",
        "Turn off Xray indexing (xrayIndex) for the catalog's remote repository.",
    ),
    FindingKind(
        "manager.metadata-cache-off",
        S.WARN,
        "Index pages are never cached",
        "The catalog's remote keeps index pages for 0 seconds (Artifactory's Metadata Retrieval "
        "Cache Period, Nexus's metadata max age), so every install asks the catalog for every "
        "project page and spends its rate limit.",
        "Set the metadata cache period to minutes or hours (Artifactory's default is 7200 "
        "seconds, Nexus's 1440 minutes).",
    ),
    FindingKind(
        "manager.negative-cache-long",
        S.INFO,
        "A missing package stays missing for a long time",
        "The catalog's remote remembers a 404 for more than an hour (Artifactory's Missed "
        "Retrieval Cache Period, Nexus's negative cache). After the vendor adds a package you "
        "asked for, the manager keeps answering 404 until that time has passed.",
        "After a package request is fulfilled, clear the negative cache (Nexus: Invalidate "
        "cache on the proxy; Artifactory: zap the remote's caches), or shorten the period.",
    ),
    FindingKind(
        "manager.admin-api-forbidden",
        S.INFO,
        "The manager's configuration could not be read",
        "Admin credentials were given, but the configuration API refused them or gave only the "
        "partial view non-administrators get. The checks through the manager still ran.",
        "Give an administrator's credentials (ASDIAG_ADMIN_USERNAME, ASDIAG_ADMIN_PASSWORD) to "
        "check the configuration too.",
    ),
    # --- client (what pip and uv will use) -----------------------------------------------------
    FindingKind(
        "client.ok",
        S.OK,
        "pip and uv configuration read",
        "asdiag read pip's and uv's configuration files, their environment variables, the "
        "requirements files given and .netrc, and found nothing to change. The detail names "
        "the index each tool uses and where that comes from.",
        "Nothing to change.",
    ),
    FindingKind(
        "client.public-index-mixed",
        S.FAIL,
        "Another index beside the catalog or manager",
        "pip or uv is given an extra index or a find-links location beside the private index. "
        "Installers pick the best version across all of them, so packages can come from public "
        "PyPI instead of the curated catalog: curation is bypassed, and a public package with "
        "an internal name is the dependency-confusion attack.",
        "Remove extra-index-url and find-links (in the file and line shown, or the variable); "
        "let the repository manager be the only index.",
        ("pip config debug",),
    ),
    FindingKind(
        "client.credentials-in-config",
        S.WARN,
        "A password is written in a configuration URL",
        "An index URL in a configuration file, requirements file or environment variable "
        "carries a password. It is readable by anyone who can read that file or the process "
        "environment, and pip echoes such URLs into logs with only the password masked.",
        "Remove the password from the URL (keep the username if you like) and put it in "
        ".netrc (mode 0600) or the keyring; pip finds both.",
        ("chmod 600 ~/.netrc",),
    ),
    FindingKind(
        "client.password-unencoded",
        S.FAIL,
        "A password in a URL is not percent-encoded",
        "The password in an index URL contains '/', '?' or '#' as written. Each ends the "
        "host part of a URL, so pip and uv split the URL in the wrong place: they read a host "
        "made of the username and part of the password, and fail before sending any request. "
        "(A raw '@' or ':' in a password is read correctly by both: they split at the last '@' "
        "and the first ':'.)",
        "Percent-encode the password (/ as %2F, ? as %3F, # as %23, and to be safe @ as %40 "
        "and : as %3A), or better, move it to .netrc or the keyring.",
        (
            "python3 -c 'import urllib.parse as u, getpass as g; "
            'print(u.quote(g.getpass(), safe=""))\'',
        ),
    ),
    FindingKind(
        "client.direct-catalog",
        S.WARN,
        "pip talks to the catalog directly",
        "pip's index is the catalog itself, not a repository manager. The vendor supports only "
        "setups with a manager in front: without one nothing is cached, every install and CI "
        "job counts against the catalog's 2000 requests per 5 minutes, and the organisation's "
        "password sits on every machine.",
        "Point pip at the repository manager's PyPI URL and give the catalog credentials to the "
        "manager only.",
    ),
    FindingKind(
        "client.index-mismatch",
        S.WARN,
        "pip uses another index than the one diagnosed",
        "The index pip would use (from its configuration, or public PyPI when none is set) is "
        "neither the catalog nor the manager asdiag is diagnosing, so what asdiag finds may "
        "not be what pip sees.",
        "Set pip's index-url to the manager's PyPI URL (pip config set global.index-url URL), "
        "or diagnose the index pip uses.",
    ),
    FindingKind(
        "client.no-cache-dir",
        S.WARN,
        "pip's or uv's cache is turned off",
        "no-cache-dir (pip) or no-cache (uv) is set, so every install downloads every page and "
        "file again. In CI this is the usual way to spend the catalog's rate limit.",
        "Remove the setting shown; in CI, keep the cache between jobs instead.",
    ),
    FindingKind(
        "client.netrc-permissions",
        S.WARN,
        ".netrc is readable by others",
        "The .netrc file holding passwords can be read by the group or by everyone.",
        "Make it readable by its owner only.",
        ("chmod 600 ~/.netrc",),
    ),
    FindingKind(
        "client.keyring-provider",
        S.INFO,
        "pip will not ask the keyring in non-interactive runs",
        "The password is in the keyring, but pip's keyring-provider is auto (the default), "
        "which does nothing under --no-input: CI jobs and tools that pass --no-input (pipx, "
        "build) will not find it.",
        "Set pip's keyring provider to import (keyring installed in pip's environment) or "
        "subprocess (the keyring command on PATH).",
        ("pip config set global.keyring-provider import",),
    ),
    FindingKind(
        "client.config-unreadable",
        S.WARN,
        "A configuration file cannot be read",
        "A pip or uv configuration file, a requirements file or .netrc exists but cannot be "
        "read or parsed. pip and uv stop or ignore it, depending on the file.",
        "Fix or remove the file named in the detail.",
    ),
    # --- package (asdiag package) -------------------------------------------------------------
    FindingKind(
        "package.ok",
        S.OK,
        "Package found",
        "The index lists the project and at least one version that matches the request; the "
        "matrix shows which file each target would install.",
        "Nothing to change.",
    ),
    FindingKind(
        "package.name-not-normalized",
        S.INFO,
        "Name given in a non-normalised spelling",
        "Project names compare after PEP 503 normalisation (lower case, runs of '-', '_' and "
        "'.' as one '-'). asdiag asks for the normalised URL, as pip does; some repository "
        "managers (Nexus) do not normalise and cache each spelling separately, so tools that "
        "request the name as typed may see a different answer.",
        "Nothing to change in asdiag; use the normalised name in requirements files to get the "
        "same answer from every tool.",
    ),
    FindingKind(
        "package.not-found",
        S.FAIL,
        "Package not in the index",
        "The index answered 404 for the project page: this catalog does not hold the package "
        "(a curated catalog holds only what the organisation asked for and the vendor built), "
        "or the name is misspelt. pip shows this as 'from versions: none'.",
        "Check the near-miss suggestions; if the name is right, ask the vendor to add the "
        "package with the filled-in request shown in the detail.",
    ),
    FindingKind(
        "package.near-miss",
        S.INFO,
        "Similar names in the index",
        "The index holds projects whose names are close to the one asked for: another "
        "separator, a python- or py prefix, or a close spelling.",
        "If one of them is the package meant, use that name.",
    ),
    FindingKind(
        "package.empty-page",
        S.FAIL,
        "The manager's page for the package lists no files",
        "Through the repository manager the project page answered 200 but lists no files. A "
        "Nexus group answers so whenever no member answered with the project: when none has it, "
        "and also when every member failed (the upstream refused the proxy's credentials, or "
        "the proxy is blocked). It is never a verdict on the package's files. Asked directly, "
        "the catalog tells which: missing there (the request to the vendor), or there and not "
        "fetched by the manager (package.missing-in-manager).",
        "Run `asdiag package NAME` with both --catalog-url and --manager-url (or --via both) so "
        "the catalog is asked directly, then follow that finding.",
        ("asdiag package NAME --via both",),
    ),
    FindingKind(
        "package.missing-in-manager",
        S.FAIL,
        "The catalog holds it, the repository manager does not serve it",
        "Asked directly, the catalog lists the package; through the repository manager the "
        "page is missing or refused. The manager cannot fetch it upstream: its user lacks "
        "Deploy/Cache (Artifactory), the remote's stored credentials are wrong, or a negative "
        "cache remembers an earlier 404.",
        "In the manager, give the users Read and Deploy/Cache on the catalog's remote, check "
        "the remote's credentials, and clear its negative cache (Nexus) or missed-retrieval "
        "cache (Artifactory); then run `asdiag check --manager-url ...`.",
    ),
    FindingKind(
        "package.outside-catalog",
        S.FAIL,
        "The manager serves a package the catalog does not hold",
        "Through the repository manager the package installs, but the catalog itself does not "
        "list it: the manager's virtual or group repository has another upstream, usually "
        "public PyPI, beside the catalog. Those packages bypass curation, and a public package "
        "with an internal name is the dependency-confusion attack.",
        "Remove the public PyPI remote from the virtual/group repository the developers use; "
        "keep public packages, if allowed at all, in a separate repository. Ask the vendor for "
        "the package if it is needed.",
    ),
    FindingKind(
        "package.index-refused",
        S.FAIL,
        "The index refused the request",
        "The project page answered 401 or 403: the credentials are missing or wrong, or the "
        "URL names another organisation's catalog. pip reports this as 'from versions: none' "
        "too.",
        "Run `asdiag check`: it tells a wrong password from a wrong URL.",
        ("asdiag check -v",),
    ),
    FindingKind(
        "package.index-not-found",
        S.FAIL,
        "The index itself is missing or hidden",
        "The project page answered 404, and so did the index root (or it answered with "
        "something that is not an index): the 404 is about the index, not the package. The URL "
        "is wrong, or the server hides an index this user may not read behind 404 (devpi with a "
        "read ACL says 'index not found'; Artifactory and Nexus can hide unauthorised "
        "repositories). pip says 'from versions: none' for every package. asdiag asks the "
        "index root before it calls any project missing, and quotes the server's message.",
        "Run `asdiag check` for the index URL: it tells a wrong URL from a refused user. Use "
        "the URL as issued, or ask the server's administrator for read permission.",
        ("asdiag check -v",),
    ),
    FindingKind(
        "package.index-unavailable",
        S.FAIL,
        "The index did not answer usefully",
        "The project page could not be fetched: a network failure, a rate limit (429) or a "
        "server error (5xx).",
        "Run `asdiag check` for the cause and its fix; retry after any Retry-After.",
        ("asdiag check -v",),
    ),
    FindingKind(
        "package.page-unreadable",
        S.FAIL,
        "The project page is not a simple-index page",
        "The project URL answered 200, but the body is neither PEP 503 HTML nor PEP 691 JSON "
        "(a login page, a web UI, an error page), so no installer can read it.",
        "Point the URL at the index itself; run `asdiag check` to see what answers.",
    ),
    FindingKind(
        "package.version-not-found",
        S.FAIL,
        "No version matches the requested range",
        "The project exists, but none of its versions satisfies the version specifier "
        "(pre-releases count only with --pre, yanked versions only when pinned with ==). The "
        "closest available versions are shown.",
        "Relax the specifier to a version the index holds, or ask the vendor to add the "
        "version you need.",
    ),
    FindingKind(
        "package.project-status",
        S.WARN,
        "The index marks the project quarantined, archived or deprecated",
        "PEP 792 lets an index say a project is not simply active. Quarantined (a fail): the "
        "index offers no files while it reviews the project, usually after a malware report; "
        "pip and uv see an empty page and say no version matches. Archived (a warning): the "
        "project will get no new releases, existing files still install. Deprecated (a "
        "warning): the maintainers ask users to move on; files still install. Any other value "
        "is passed on as the index sent it.",
        "Quarantined: nothing to change on the client; ask the index's administrators (for the "
        "catalog, the vendor) when the review ends, or use another project. Archived or "
        "deprecated: plan a move to the successor the reason names.",
    ),
    FindingKind(
        "package.yanked-only",
        S.FAIL,
        "Every matching version is yanked",
        "All versions that satisfy the specifier are yanked (PEP 592). Installers skip yanked "
        "files unless the version is pinned exactly with ==.",
        "Move to a version that is not yanked, or pin the yanked version with == if you must, "
        "knowing why it was yanked (the reason is shown).",
    ),
    FindingKind(
        "package.requires-python",
        S.FAIL,
        "The target Python is excluded by Requires-Python",
        "Files exist for the matching versions, but their Requires-Python excludes the target "
        "Python version, so pip skips them.",
        "Use a Python version the package supports, or an older release that supports yours.",
    ),
    FindingKind(
        "package.no-compatible-wheel",
        S.FAIL,
        "No wheel fits the target",
        "None of the wheels of the matching versions is compatible with the target platform "
        "and Python (by its tags, as pip decides). pip then builds from the sdist if there is "
        "one (needing compilers and headers) or reports 'from versions: none'.",
        "Ask the vendor for a build for the target (name the operating system, architecture "
        "and Python versions), or use a target that has wheels.",
    ),
    FindingKind(
        "package.no-macos-builds",
        S.WARN,
        "No macOS build (built only on request)",
        "The catalog's vendor builds Linux and Windows wheels by default and macOS wheels only "
        "when an organisation asks for them. This package has binary wheels for other "
        "systems but none for macOS.",
        "Ask the vendor for macOS builds of this package: include 'Customer requires macOS "
        "builds' in the package request, with the architectures (arm64, x86_64) and Python "
        "versions.",
    ),
    FindingKind(
        "package.sdist-only",
        S.WARN,
        "Source distribution only",
        "The matching versions have no wheel at all, only a source distribution. pip builds it "
        "on every install target, which needs a compiler toolchain for packages with C "
        "extensions; the vendor does not recommend this for production.",
        "Ask the vendor for wheels for your targets; until then, install build tools where "
        "pip runs.",
    ),
    FindingKind(
        "package.locked-file-missing",
        S.FAIL,
        "A file the lock pins is not in the index",
        "The lock file (pylock.toml) names exact files, and the index does not list one of "
        "them: an installer that follows the lock fails, even though the version may be there "
        "with other files (another build, another platform).",
        "Lock against the index your installs use (the repository manager), or ask the vendor "
        "for the build the lock names.",
    ),
    FindingKind(
        "package.file-unreachable",
        S.FAIL,
        "The index lists a file that cannot be downloaded",
        "The project page links a file, but fetching it failed. Through Nexus this is the "
        "/packages/ hash lookup failing; through Artifactory, a user without Deploy/Cache or a "
        "remote that cannot reach its upstream; directly, a storage problem at the index.",
        "Through a manager, check its logs for the file name and the remote's permissions; "
        "directly, report the file URL and status to the vendor.",
    ),
    FindingKind(
        "package.no-hashes",
        S.WARN,
        "Files have no hashes",
        "The project page gives no hash for its files, so installers cannot verify downloads "
        "and pip's --require-hashes mode cannot be used.",
        "Ask the index's operator to publish sha256 hashes (the #sha256= fragment or PEP 691 "
        "'hashes').",
    ),
    FindingKind(
        "package.md5-only",
        S.WARN,
        "Files have only md5 hashes",
        "Every hashed file carries only an md5 hash. md5 is broken for integrity, and uv "
        "rejects indexes that offer nothing stronger.",
        "Ask the index's operator to publish sha256 hashes.",
    ),
    FindingKind(
        "package.pip-platform-narrow",
        S.INFO,
        "pip would miss this wheel with a single --platform",
        "pip widens an explicit --platform only for the legacy manylinux2014/2010 tags and "
        "macOS: --platform manylinux_2_28_x86_64 accepts exactly that tag, never an older "
        "manylinux_2_17 wheel that fits the same machine.",
        "Pass every platform the target accepts, as the --platform flags shown.",
    ),
    # --- requirements (asdiag requirements) ---------------------------------------------------
    FindingKind(
        "requirements.file-problem",
        S.FAIL,
        "A requirements file cannot be read",
        "A file, an include (-r, -c) or a line cannot be read or parsed. pip stops at such a "
        "line; asdiag reports it and checks the rest.",
        "Fix the lines shown (file:line), or the include paths (relative to the including file).",
    ),
    FindingKind(
        "requirements.uncheckable",
        S.INFO,
        "Requirements that name no index project",
        "URL requirements, local paths and editable installs are not fetched from an index, so "
        "the catalog cannot be asked about them.",
        "Nothing to change for asdiag; for a curated setup, prefer packages from the catalog.",
    ),
    FindingKind(
        "requirements.no-index",
        S.WARN,
        "The requirements say --no-index",
        "A requirements file says --no-index: pip then asks no index at all, neither the "
        "catalog nor the repository manager, and installs only from --find-links locations. "
        "asdiag still checks the projects against the index it was given, to say what the "
        "index holds, but pip run with this file will not use it.",
        "Remove --no-index from the file (at the line shown) if the packages should come from "
        "the repository manager; keep it only for offline installs from a wheelhouse.",
    ),
    FindingKind(
        "requirements.not-checked",
        S.ERROR,
        "Some projects were not checked",
        "The batch stopped sending requests: the index answered 429 and asked for a longer "
        "pause than asdiag waits (or gave no Retry-After), or the command's deadline "
        "(--deadline) passed. The projects listed were not checked; nothing is guessed about "
        "them.",
        "After a 429: run asdiag again after the time in Retry-After, check fewer packages at "
        "once, and look for what else spends the rate limit (manager caching off, CI without a "
        "cache). After the deadline: raise --deadline, or find the slow server in the other "
        "findings.",
    ),
)

REGISTRY: dict[str, FindingKind] = {kind.id: kind for kind in KINDS}


def kind(finding_id: str) -> FindingKind:
    """The registry entry for an id; a KeyError here is a programming error."""
    return REGISTRY[finding_id]
