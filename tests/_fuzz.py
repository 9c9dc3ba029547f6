"""Helpers shared by the fuzz tests (``test_fuzz_*.py``): a TOML writer for generated documents
(the standard library reads TOML but does not write it, and no writer is a dependency)."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping


def toml_string(text: str) -> str:
    escaped = "".join(
        "\\\\"
        if char == "\\"
        else '\\"'
        if char == '"'
        else f"\\u{ord(char):04x}"
        if ord(char) < 0x20 or ord(char) == 0x7F
        else char
        for char in text
    )
    return f'"{escaped}"'


def toml_key(key: str) -> str:
    """A bare key when TOML allows one (``packages``), else a quoted one."""
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else toml_string(key)


def toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return (
            "nan"
            if math.isnan(value)
            else repr(value)
            if math.isfinite(value)
            else ("inf" if value > 0 else "-inf")
        )
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    if isinstance(value, dict):
        pairs = (f"{toml_string(str(k))} = {toml_value(v)}" for k, v in value.items())
        return "{" + ", ".join(pairs) + "}"
    raise TypeError(value)


def toml_document(data: Mapping[str, object], layout: str) -> str:
    """``data`` as TOML: inline tables throughout, or a ``[table]`` per top-level table and a
    ``[[packages]]`` per package (the layout pylock files use, which line numbers are read from)."""
    lines = []
    tables = []
    for key, value in data.items():
        if layout == "tables" and isinstance(value, dict):
            tables.append(f"[{toml_key(key)}]")
            tables.extend(f"{toml_string(str(k))} = {toml_value(v)}" for k, v in value.items())
        elif (
            layout == "tables"
            and isinstance(value, list)
            and value
            and all(isinstance(item, dict) for item in value)
        ):
            for item in value:
                tables.append(f"[[{toml_key(key)}]]")
                tables.extend(f"{toml_string(str(k))} = {toml_value(v)}" for k, v in item.items())
        else:
            lines.append(f"{toml_string(key)} = {toml_value(value)}")
    return "\n".join([*lines, *tables]) + "\n"
