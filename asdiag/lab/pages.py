"""Simple pages (PEP 503 HTML, PEP 691 JSON) as the lab's servers write and read them."""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urljoin

from asdiag.lab.packages import normalize


@dataclass(frozen=True)
class Link:
    """One file on a project page."""

    filename: str
    href: str  # without the hash fragment
    sha256: str
    requires_python: str | None = None
    yanked: str | None = None  # the reason ("" for yanked without one), None if not yanked
    core_metadata: bool = False


def _attr(name: str, value: str) -> str:
    return f' {name}="{html.escape(value, quote=True)}"'


def project_html(name: str, links: Iterable[Link], *, api_version: str = "1.0") -> str:
    """A project page the way devpi renders it, including ``data-requires-python=""``."""
    rows = []
    for link in links:
        attrs = _attr("href", f"{link.href}#sha256={link.sha256}")
        attrs += _attr("data-requires-python", link.requires_python or "")
        if link.yanked is not None:
            attrs += _attr("data-yanked", link.yanked)
        if link.core_metadata:
            attrs += _attr("data-core-metadata", "true") + _attr("data-dist-info-metadata", "true")
        rows.append(f"<a{attrs}>{html.escape(link.filename)}</a><br/>")
    return (
        "<!DOCTYPE html>\n<html><head>"
        f'<meta name="pypi:repository-version" content="{api_version}">'
        f"<title>Links for {html.escape(name)}</title></head>\n<body><h1>Links for "
        f"{html.escape(name)}</h1>\n" + "\n".join(rows) + "\n</body></html>\n"
    )


def project_json(
    name: str, links: Iterable[Link], *, api_version: str = "1.0"
) -> dict[str, object]:
    files = []
    for link in links:
        entry: dict[str, object] = {
            "filename": link.filename,
            "url": link.href,
            "hashes": {"sha256": link.sha256},
        }
        if link.requires_python:
            entry["requires-python"] = link.requires_python
        if link.yanked is not None:
            entry["yanked"] = link.yanked or True
        if link.core_metadata:
            entry["core-metadata"] = True
        files.append(entry)
    return {"meta": {"api-version": api_version}, "name": name, "files": files}


def root_html(names: Iterable[str], *, api_version: str = "1.0") -> str:
    rows = "\n".join(f'<a href="{_href(n)}">{html.escape(n)}</a><br/>' for n in names)
    return (
        "<!DOCTYPE html>\n<html><head>"
        f'<meta name="pypi:repository-version" content="{api_version}">'
        f"<title>Simple index</title></head>\n<body>\n{rows}\n</body></html>\n"
    )


def root_json(names: Iterable[str], *, api_version: str = "1.0") -> dict[str, object]:
    return {"meta": {"api-version": api_version}, "projects": [{"name": n} for n in names]}


def _href(name: str) -> str:
    return f"{normalize(name)}/"


def links_from_json(document: Mapping[str, object], page_url: str) -> list[Link]:
    """Read a PEP 691 project page (as a manager reads its upstream), hrefs made absolute."""
    links = []
    files = document.get("files")
    for entry in files if isinstance(files, list) else []:
        hashes = entry.get("hashes") or {}
        yanked = entry.get("yanked")
        links.append(
            Link(
                filename=str(entry["filename"]),
                href=urljoin(page_url, str(entry["url"])),
                sha256=str(hashes.get("sha256", "")),
                requires_python=entry.get("requires-python") or None,
                yanked=None if not yanked else ("" if yanked is True else str(yanked)),
                core_metadata=bool(entry.get("core-metadata")),
            )
        )
    return links


def names_from_json(document: Mapping[str, object]) -> list[str]:
    projects = document.get("projects")
    return (
        [str(p["name"]) for p in projects if isinstance(p, dict)]
        if isinstance(projects, list)
        else []
    )
