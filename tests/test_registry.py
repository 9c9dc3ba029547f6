"""The finding-id registry: stable slugs, complete entries, documented anchors, severity order."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from asdiag.checks import CHECKS
from asdiag.checks.transport import TRANSPORT_IDS
from asdiag.evidence import Exchange
from asdiag.findings import SEVERITY_ORDER, Finding, FindingKind, Severity, docs_anchor
from asdiag.findings_doc import COMMAND_IDS
from asdiag.registry import KINDS, REGISTRY, kind

FINDINGS_MD = Path(__file__).resolve().parent.parent / "docs" / "findings.md"
SLUG = re.compile(r"^[a-z]+(?:\.[a-z0-9]+(?:-[a-z0-9]+)*)+$")
IDS = [entry.id for entry in KINDS]


@pytest.mark.parametrize("entry", KINDS, ids=IDS)
def test_every_kind_is_complete(entry):
    assert SLUG.match(entry.id), entry.id
    assert entry.title.strip()
    assert entry.explanation.strip()
    assert entry.remediation.strip()
    # ok/info/warn/fail only: skip and error are assigned by the doctor, not by a check; the
    # one exception says a batch could not be evaluated (exit 3), which is what error means.
    allowed = (Severity.OK, Severity.INFO, Severity.WARN, Severity.FAIL)
    assert entry.severity in allowed or entry.id in (
        "requirements.not-checked",
        "run.deadline-reached",
    )
    assert all(command.strip() for command in entry.commands)


def test_ids_and_their_anchors_are_unique():
    assert len(IDS) == len(set(IDS))
    assert len({docs_anchor(i) for i in IDS}) == len(IDS)


def test_titles_are_unique():
    titles = [entry.title for entry in KINDS]
    assert len(titles) == len(set(titles))


def test_registry_maps_every_kind_by_id():
    assert list(REGISTRY) == IDS
    assert all(kind(entry.id) is entry for entry in KINDS)
    with pytest.raises(KeyError):
        kind("no.such-id")


#: A DNS failure is found by the dns check, or at connect time when a proxy resolved nothing;
#: a failed request is reported by the same id by the catalog's checks and the manager's.
SHARED_IDS = {"net.dns-failed", *TRANSPORT_IDS}


def test_every_id_belongs_to_exactly_one_check():
    """``package.*`` ids belong to the ``asdiag package`` command, every other id to a check."""
    owners = [i for check in CHECKS for i in check.ids if i not in SHARED_IDS]
    check_ids = {
        i for i in IDS if not i.startswith(("package.", "requirements.")) and i not in COMMAND_IDS
    }
    assert sorted(owners) == sorted(check_ids - SHARED_IDS)
    assert all(any(i in check.ids for check in CHECKS) for i in SHARED_IDS)


def test_blocking_ids_are_ids_of_their_check():
    for check in CHECKS:
        assert set(check.blocking) <= set(check.ids), check.name


def test_docs_anchors_match_the_headings_in_findings_md():
    text = FINDINGS_MD.read_text(encoding="utf-8")
    anchors = re.findall(r'<a id="([^"]+)"></a>\n### `([^`]+)`', text)
    assert anchors == [(docs_anchor(i), i) for i in IDS]


def test_a_finding_links_to_its_anchor():
    anchors = set(re.findall(r'<a id="([^"]+)">', FINDINGS_MD.read_text(encoding="utf-8")))
    for entry in KINDS:
        remediation = entry.finding("x").remediation
        assert remediation is not None
        page, _, anchor = remediation.docs.partition("#")
        assert page == "docs/findings.md"
        assert anchor in anchors


def test_docs_anchor_replaces_dots():
    assert docs_anchor("url.simple-suffix") == "url-simple-suffix"


# --- findings -------------------------------------------------------------------------------


def test_a_finding_takes_its_kinds_defaults():
    entry = FindingKind("demo.thing", Severity.WARN, "Title", "Long.", "Fix it.", ("cmd",))
    finding = entry.finding("seen once")
    assert (finding.id, finding.severity, finding.title) == ("demo.thing", Severity.WARN, "Title")
    assert finding.summary == "seen once"
    assert finding.remediation is not None
    assert (finding.remediation.text, finding.remediation.commands) == ("Fix it.", ("cmd",))


def test_a_finding_may_override_severity_and_remediation():
    entry = FindingKind("demo.thing", Severity.WARN, "Title", "Long.", "Fix it.", ("cmd",))
    finding = entry.finding("s", severity=Severity.FAIL, remediation="Other.", commands=())
    assert finding.severity is Severity.FAIL
    assert finding.remediation is not None
    assert (finding.remediation.text, finding.remediation.commands) == ("Other.", ())


@pytest.mark.parametrize(
    ("severity", "problem"),
    [
        (Severity.OK, False),
        (Severity.INFO, False),
        (Severity.SKIP, False),
        (Severity.WARN, True),
        (Severity.FAIL, True),
        (Severity.ERROR, True),
    ],
)
def test_is_problem(severity, problem):
    assert Finding("x.y", severity, "t", "s").is_problem is problem


def test_finding_to_dict_shows_the_traceback_only_when_verbose():
    exchange = Exchange("anonymous", "GET", "https://h/simple/", 401, 12.345)
    finding = Finding("x.y", Severity.ERROR, "t", "s", evidence=(exchange,), traceback="Trace")
    assert finding.to_dict()["traceback"] == "Trace"
    assert "traceback" not in finding.to_dict(verbose=False)
    data = finding.to_dict()
    assert data["severity"] == "error"
    assert data["blocked_by"] is None
    assert data["evidence"] == [exchange.to_dict()]
    assert "Trace" not in repr(finding)


# --- severity -------------------------------------------------------------------------------


def test_severity_order_lists_every_severity_once():
    assert sorted(SEVERITY_ORDER) == sorted(Severity)
    assert len(SEVERITY_ORDER) == len(Severity)


@pytest.mark.parametrize(
    ("worse", "better"),
    [
        (Severity.ERROR, Severity.FAIL),
        (Severity.FAIL, Severity.WARN),
        (Severity.WARN, Severity.INFO),
        (Severity.INFO, Severity.OK),
        (Severity.SKIP, Severity.OK),
    ],
)
def test_severity_order_puts_the_most_serious_first(worse, better):
    assert SEVERITY_ORDER.index(worse) < SEVERITY_ORDER.index(better)


def test_severity_values_are_the_json_strings():
    assert [str(s) for s in Severity] == ["ok", "info", "warn", "fail", "skip", "error"]
