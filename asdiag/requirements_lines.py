"""The line level of pip's requirements files, shared by ``requirements_files`` (the requirements)
and ``client_config`` (their index lines): decoding, continuations, comments, ``${VAR}``, and
pip's option parser for a line. Standard library only, so that reading pip's configuration does
not import ``packaging``. Follows pip's ``req/req_file.py``.
"""

from __future__ import annotations

import locale
import optparse
import re
import shlex
import sys
import threading
from collections.abc import Collection, Iterator, Mapping
from typing import Any, NoReturn

_COMMENT = re.compile(r"(^|\s+)#.*$")
_ENV_VAR = re.compile(r"(?P<var>\$\{(?P<name>[A-Z0-9_]+)\})")
_PEP263 = re.compile(rb"coding[:=]\s*([-\w.]+)")
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16-be"),
)


class OptionError(Exception):
    pass


def _record_format(
    option: optparse.Option, _flag: str, value: str, parser: optparse.OptionParser
) -> None:
    values = parser.values
    for dest, item in ((str(option.dest), value), ("formats", (option.get_opt_string(), value))):
        if getattr(values, dest, None) is None:
            setattr(values, dest, [])
        getattr(values, dest).append(item)


class _LineParser(optparse.OptionParser):
    """pip's requirements-line parser (``build_parser``): the same options, so that
    abbreviations (``--extra`` for ``--extra-index-url``) and unknown options behave alike."""

    def __init__(self) -> None:
        super().__init__(add_help_option=False)
        self.add_option("-i", "--index-url", "--pypi-url", dest="index_url")
        self.add_option("--extra-index-url", dest="extra_index_urls", action="append")
        self.add_option("--no-index", action="store_true")
        self.add_option("-c", "--constraint", dest="constraints", action="append")
        self.add_option("-r", "--requirement", dest="requirements", action="append")
        self.add_option("-e", "--editable", dest="editables", action="append")
        self.add_option("-f", "--find-links", dest="find_links", action="append")
        for flag in ("--prefer-binary", "--require-hashes", "--no-require-hashes", "--pre"):
            self.add_option(flag, action="store_true")
        # Recorded in command-line order as well (``formats``): pip applies them to one
        # FormatControl in that order, and a later ``:all:`` empties what came before.
        for option, dest in (("--no-binary", "no_binary"), ("--only-binary", "only_binary")):
            self.add_option(
                option, dest=dest, action="callback", type="string", callback=_record_format
            )
        self.set_defaults(formats=None)
        for option in (
            "--all-releases",
            "--only-final",
            "--trusted-host",
            "--use-feature",
            "--hash",
        ):
            self.add_option(option, action="append")
        self.add_option("-C", "--config-settings", action="append")

    def error(self, msg: str) -> NoReturn:
        raise OptionError(msg)

    def exit(self, status: int = 0, msg: str | None = None) -> NoReturn:
        raise OptionError(msg or "invalid option")


#: Built once: constructing an optparse parser costs about as much as a whole line's other work
#: (pip builds one per line). ``parse_args`` keeps its state on the parser, hence the lock.
_PARSER = _LineParser()
_PARSER_LOCK = threading.Lock()


def parse_line(line: str) -> tuple[str, Any]:
    """Split a logical line as pip's ``break_args_options`` does and parse its options: the
    requirement text before the first option (only the options are shlex-split, since markers
    hold quotes) and optparse's values. Raises ``OptionError`` or ``ValueError`` (an unclosed
    quote) where pip refuses the line."""
    tokens = line.split(" ")
    first_option = next((i for i, token in enumerate(tokens) if token.startswith("-")), len(tokens))
    args = " ".join(tokens[:first_option]).strip()
    option_args = shlex.split(" ".join(tokens[first_option:]))
    with _PARSER_LOCK:
        options, _ = _PARSER.parse_args(option_args)
    return args, options


def given_options(options: Any, *, except_dests: Collection[str] = ()) -> list[str]:
    """The names (``--pre``) of the options a line set, but for those stored in ``except_dests``."""
    return [
        option.get_opt_string()
        for option in _PARSER.option_list
        if option.dest not in except_dests and getattr(options, str(option.dest))
    ]


def decode_requirements(data: bytes) -> str:
    """pip's ``_decode_req_file``: a BOM, then a PEP 263 comment, then UTF-8, then the locale."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding)
    for line in data.split(b"\n")[:2]:
        if line[0:1] == b"#" and (match := _PEP263.search(line)) is not None:
            return data.decode(match.group(1).decode("ascii"))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode(locale.getencoding() or sys.getdefaultencoding())


def requirement_lines(
    text: str, environ: Mapping[str, str], expanded: dict[str, str] | None = None
) -> Iterator[tuple[int, str]]:
    """pip's ``preprocess``: join ``\\`` continuations, drop comments, expand ``${VAR}``.

    ``expanded`` collects each variable expanded inside a URL, and its value: pip's docs
    suggest ``${VAR}`` for the tokens in index and requirement URLs, so the caller teaches them
    to the redactor. A variable elsewhere on the line (a version, a package name) is no secret
    and is not collected: naming it would rewrite asdiag's own sentences.
    """
    joined: list[tuple[int, str]] = []
    primary: int | None = None
    pending: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.endswith("\\") or _COMMENT.match(line):
            if _COMMENT.match(line):
                line = " " + line
            if pending:
                pending.append(line)
                joined.append((primary or number, "".join(pending)))
                pending = []
            else:
                joined.append((number, line))
        else:
            if not pending:
                primary = number
            pending.append(line.strip("\\"))
    if pending:
        joined.append((primary or 1, "".join(pending)))
    for number, line in joined:
        line = _COMMENT.sub("", line).strip()
        if not line:
            continue
        for variable, name in _ENV_VAR.findall(line):
            if value := environ.get(name):
                if expanded is not None and any(
                    "://" in token and variable in token for token in line.split()
                ):
                    expanded[name] = value
                line = line.replace(variable, value)
        yield number, line
