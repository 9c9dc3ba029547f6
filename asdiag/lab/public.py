"""The lab's stand-in for public PyPI: anonymous, uncurated, absolute file links.

It exists so the mixed-repository scenario can show what happens when a manager's virtual or
group repository serves public packages beside the curated catalog.
"""

from __future__ import annotations

from asdiag.lab.packages import Project, normalize
from asdiag.lab.pages import Link, project_html, project_json, root_html, root_json
from asdiag.lab.web import JSON_SIMPLE, Reply, Request, html, json_reply, redirect, text, wants_json

PREFIX = "/public"


class PublicIndex:
    def __init__(self, projects: tuple[Project, ...]) -> None:
        self.projects = {p.normalized: p for p in projects}
        self.files = {d.filename: d for p in projects for d in p.dists}

    def __call__(self, request: Request) -> Reply:
        parts = request.path.removeprefix(PREFIX).strip("/").split("/")
        as_json = wants_json(request.header("accept"))
        if parts == ["simple"]:
            if not request.path.endswith("/"):
                return redirect(f"{PREFIX}/simple/", 301)
            names = [p.name for p in self.projects.values()]
            return (
                json_reply(200, root_json(names), JSON_SIMPLE)
                if as_json
                else html(200, root_html(names))
            )
        if parts[0] == "simple" and len(parts) == 2:
            name = parts[1]
            if not request.path.endswith("/") or name != normalize(name):
                return redirect(f"{PREFIX}/simple/{normalize(name)}/", 301)
            project = self.projects.get(name)
            if project is None:
                return text(404, "Not Found")
            links = [
                Link(
                    d.filename,
                    f"{PREFIX}/packages/{_path(d.sha256)}/{d.filename}",
                    d.sha256,
                    d.requires_python,
                )
                for d in project.dists
            ]
            if as_json:
                return json_reply(200, project_json(project.normalized, links), JSON_SIMPLE)
            return html(200, project_html(project.name, links))
        if parts[0] == "packages" and parts[-1] in self.files:
            dist = self.files[parts[-1]]
            if "/".join(parts[1:-1]) == _path(dist.sha256):
                return Reply(200, dist.content, "application/octet-stream")
        return text(404, "Not Found")


def _path(digest: str) -> str:
    return f"{digest[:2]}/{digest[2:4]}/{digest[4:]}"
