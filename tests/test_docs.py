"""The docs that mirror the code (findings, JSON schema, lab scenarios) stay equal to it."""

from __future__ import annotations

from pathlib import Path

from asdiag.findings_doc import findings_markdown

ROOT = Path(__file__).resolve().parent.parent


def test_findings_reference_is_generated_from_the_registry() -> None:
    committed = (ROOT / "docs" / "findings.md").read_text(encoding="utf-8")
    assert committed == findings_markdown(), (
        "docs/findings.md is stale: run `python -m asdiag.findings_doc > docs/findings.md`"
    )


def test_every_id_in_the_json_doc_exists() -> None:
    text = (ROOT / "docs" / "json.md").read_text(encoding="utf-8")
    assert '"schema": "asdiag.v1"' in text


def test_the_lab_guide_lists_every_scenario_with_its_ids() -> None:
    from asdiag.lab.scenarios import SCENARIOS

    rows = {
        line.split("|")[1].strip(" `"): line
        for line in (ROOT / "docs" / "lab.md").read_text(encoding="utf-8").splitlines()
        if line.startswith("| `")
    }
    for scenario in SCENARIOS:
        row = rows[scenario.name]
        assert scenario.summary in row
        assert all(f"`{finding_id}`" in row for finding_id in scenario.check_ids)
        assert all(f"`{finding_id}`" in row for finding_id in scenario.package_ids)
        assert " ".join(scenario.package_args) in row
