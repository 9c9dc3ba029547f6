"""``asdiag demo`` output: per scenario, what pip showed and what asdiag found; never printed."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.text import Text

from asdiag.demo import Diagnosis
from asdiag.render import counts_line
from asdiag.render.console import MARKS


def render_diagnosis(number: int, diagnosis: Diagnosis) -> RenderableType:
    scenario = diagnosis.scenario
    problems = [f for f in diagnosis.report.findings if f.id in diagnosis.found]
    lines: list[RenderableType] = [
        Text.assemble((f"{number}. {scenario.name}", "bold"), f"  {scenario.summary}"),
        Padding(Text("$ " + scenario.pip_command, style="cyan"), (0, 0, 0, 3)),
        Padding(Text(scenario.pip_says, style="dim"), (0, 0, 0, 3)),
    ]
    if not problems:
        lines.append(
            Padding(
                Text.assemble(("✓ ", "green"), "asdiag: ", counts_line(diagnosis.report.findings)),
                (0, 0, 0, 3),
            )
        )
    for finding in problems:
        mark, style = MARKS[finding.severity]
        lines.append(
            Padding(
                Text.assemble(
                    (mark + " ", style), "asdiag: ", (finding.id, "bold"), "  ", finding.summary
                ),
                (0, 0, 0, 3),
            )
        )
        if finding.remediation is not None:
            lines.append(
                Padding(Text.assemble(("Fix: ", "bold"), finding.remediation.text), (0, 0, 0, 5))
            )
    if not diagnosis.as_declared:
        expected = ", ".join(sorted(scenario.check_ids)) or "no problem"
        lines.append(
            Padding(Text(f"NOT AS DECLARED: expected {expected}", style="bold red"), (0, 0, 0, 3))
        )
    return Group(*lines, Text(""))


def render_header(base_url: str) -> Text:
    return Text.assemble(
        ("asdiag demo", "bold"),
        f": a simulated catalog, Artifactory and Nexus on {base_url}; no account needed, nothing "
        "leaves this machine.\n",
    )


def render_footer(diagnoses: list[Diagnosis], seconds: float) -> Text:
    good = sum(d.as_declared for d in diagnoses)
    style = "bold green" if good == len(diagnoses) else "bold red"
    return Text.assemble(
        (f"{good} of {len(diagnoses)} scenarios diagnosed as declared", style),
        f" in {seconds:.1f} s.\nTry one yourself, in two terminals:\n"
        "  asdiag lab serve --scenario bad-password --env-file lab.env\n"
        "  set -a; . ./lab.env; set +a; asdiag check\n",
    )
