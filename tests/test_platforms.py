"""Targets and their tag sets (pip's recipe), wheel ranking, classification, pip's --platform."""

from __future__ import annotations

import platform
import sys
import sysconfig

import pytest
from hypothesis import given
from hypothesis import strategies as st
from packaging.tags import Tag, android_platforms, mac_platforms, sys_tags
from packaging.utils import InvalidWheelFilename, parse_wheel_filename

from asdiag.errors import UsageError
from asdiag.platforms import (
    DEFAULT_PLATFORMS,
    DEFAULT_PYTHONS,
    PRESETS,
    Fit,
    Target,
    WheelMatch,
    best_file,
    classify,
    make_targets,
    parse_platform,
    parse_python,
    pip_download_args,
    pip_expands,
    pip_platform_flags,
    pip_single_platform,
    pip_would_miss,
    supported_tags,
)


def target(platform_value: str, python: str = "3.12") -> Target:
    (only,) = make_targets([platform_value], [python])
    return only


WINDOWS_312 = [
    "cp312-cp312-win_amd64",
    "cp312-abi3-win_amd64",
    "cp312-none-win_amd64",
    "cp311-abi3-win_amd64",
    "cp310-abi3-win_amd64",
    "cp39-abi3-win_amd64",
    "cp38-abi3-win_amd64",
    "cp37-abi3-win_amd64",
    "cp36-abi3-win_amd64",
    "cp35-abi3-win_amd64",
    "cp34-abi3-win_amd64",
    "cp33-abi3-win_amd64",
    "cp32-abi3-win_amd64",
    "py312-none-win_amd64",
    "py3-none-win_amd64",
    "py311-none-win_amd64",
    "py310-none-win_amd64",
    "py39-none-win_amd64",
    "py38-none-win_amd64",
    "py37-none-win_amd64",
    "py36-none-win_amd64",
    "py35-none-win_amd64",
    "py34-none-win_amd64",
    "py33-none-win_amd64",
    "py32-none-win_amd64",
    "py31-none-win_amd64",
    "py30-none-win_amd64",
    "cp312-none-any",
    "py312-none-any",
    "py3-none-any",
    "py311-none-any",
    "py310-none-any",
    "py39-none-any",
    "py38-none-any",
    "py37-none-any",
    "py36-none-any",
    "py35-none-any",
    "py34-none-any",
    "py33-none-any",
    "py32-none-any",
    "py31-none-any",
    "py30-none-any",
]

LINUX_PLATFORMS = (
    "manylinux_2_28_x86_64",
    "manylinux_2_27_x86_64",
    "manylinux_2_26_x86_64",
    "manylinux_2_25_x86_64",
    "manylinux_2_24_x86_64",
    "manylinux_2_23_x86_64",
    "manylinux_2_22_x86_64",
    "manylinux_2_21_x86_64",
    "manylinux_2_20_x86_64",
    "manylinux_2_19_x86_64",
    "manylinux_2_18_x86_64",
    "manylinux_2_17_x86_64",
    "manylinux2014_x86_64",
    "manylinux_2_16_x86_64",
    "manylinux_2_15_x86_64",
    "manylinux_2_14_x86_64",
    "manylinux_2_13_x86_64",
    "manylinux_2_12_x86_64",
    "manylinux2010_x86_64",
    "manylinux_2_11_x86_64",
    "manylinux_2_10_x86_64",
    "manylinux_2_9_x86_64",
    "manylinux_2_8_x86_64",
    "manylinux_2_7_x86_64",
    "manylinux_2_6_x86_64",
    "manylinux_2_5_x86_64",
    "manylinux1_x86_64",
)


# --------------------------------------------------------------------------- tag sets


def test_windows_amd64_312_is_pips_42_tags_in_order():
    tags = [str(tag) for tag in target("windows").tags]
    assert len(tags) == 42
    assert tags == WINDOWS_312
    assert tags[:3] == ["cp312-cp312-win_amd64", "cp312-abi3-win_amd64", "cp312-none-win_amd64"]
    assert tags[-3:] == ["py32-none-any", "py31-none-any", "py30-none-any"]


def test_the_linux_preset_is_manylinux_x86_64_from_glibc_228_with_legacy_aliases():
    assert PRESETS["linux"].platforms == LINUX_PLATFORMS
    linux = target("linux", "3.11")
    assert (linux.label, linux.key, linux.os) == ("Linux x86_64", "linux", "linux")
    assert len(linux.tags) == 689  # style-anchors 6.3: glibc 2.28, CPython 3.11
    assert str(linux.tags[0]) == "cp311-cp311-manylinux_2_28_x86_64"
    assert str(linux.tags[1]) == "cp311-cp311-manylinux_2_27_x86_64"


def test_manylinux2014_baseline_has_16_platforms_and_414_tags():
    baseline = target("manylinux_2_17_x86_64", "3.11")
    assert len(baseline.platforms) == 16
    assert baseline.platforms[:2] == ("manylinux_2_17_x86_64", "manylinux2014_x86_64")
    assert len(baseline.tags) == 414


@pytest.mark.skipif(
    platform.libc_ver()[0] != "glibc"
    or platform.machine() != "x86_64"
    or sys.implementation.name != "cpython"
    or bool(sysconfig.get_config_var("Py_DEBUG"))
    or bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
    reason="needs a glibc x86_64 CPython host without debug or free-threaded ABI flags",
)
def test_the_recipe_reproduces_this_hosts_sys_tags_without_linux_x86_64():
    major, minor = (int(part) for part in platform.libc_ver()[1].split(".")[:2])
    assert major == 2
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    host = target(f"manylinux_2_{minor}_x86_64", python)
    expected = [tag for tag in sys_tags() if tag.platform != "linux_x86_64"]
    assert list(host.tags) == expected


def test_every_preset():
    aarch64 = PRESETS["linux-aarch64"].platforms
    assert aarch64 == (
        *(f"manylinux_2_{m}_aarch64" for m in range(28, 17, -1)),
        "manylinux_2_17_aarch64",
        "manylinux2014_aarch64",
    )
    assert PRESETS["windows"].platforms == ("win_amd64",)
    assert PRESETS["macos"].platforms == tuple(mac_platforms((14, 0), "arm64"))
    assert PRESETS["macos"].platforms[:2] == ("macosx_14_0_arm64", "macosx_14_0_universal2")
    assert len(PRESETS["macos"].platforms) == 21
    assert PRESETS["macos-x86_64"].platforms == tuple(mac_platforms((14, 0), "x86_64"))
    assert PRESETS["musllinux"].platforms == (
        "musllinux_1_2_x86_64",
        "musllinux_1_1_x86_64",
        "musllinux_1_0_x86_64",
    )
    assert {name: preset.os for name, preset in PRESETS.items()} == {
        "linux": "linux",
        "linux-aarch64": "linux",
        "windows": "windows",
        "macos": "macos",
        "macos-x86_64": "macos",
        "musllinux": "linux",
    }
    assert all(name == preset.key for name, preset in PRESETS.items())


def test_defaults_are_five_machines_by_four_pythons():
    targets = make_targets()
    assert DEFAULT_PLATFORMS == ("linux", "linux-aarch64", "windows", "macos", "macos-x86_64")
    assert DEFAULT_PYTHONS == ((3, 10), (3, 11), (3, 12), (3, 13))
    assert [(t.label, t.python) for t in targets[:5]] == [
        ("Linux x86_64", (3, 10)),
        ("Linux x86_64", (3, 11)),
        ("Linux x86_64", (3, 12)),
        ("Linux x86_64", (3, 13)),
        ("Linux aarch64", (3, 10)),
    ]
    assert [t.label for t in targets[::4]] == [
        "Linux x86_64",
        "Linux aarch64",
        "Windows amd64",
        "macOS arm64",
        "macOS x86_64",
    ]
    assert len(targets) == 20


def test_make_targets_drops_duplicates_and_keeps_order():
    targets = make_targets(["windows", "linux", "WINDOWS"], ["3.12", (3, 11), "3.12"])
    assert [(t.key, t.python_text, t.abi) for t in targets] == [
        ("windows", "3.12", "cp312"),
        ("windows", "3.11", "cp311"),
        ("linux", "3.12", "cp312"),
        ("linux", "3.11", "cp311"),
    ]


@pytest.mark.parametrize(
    ("value", "key", "label", "os", "platforms"),
    [
        (
            "manylinux_2_28_x86_64",
            "manylinux_2_28_x86_64",
            "Linux x86_64 (glibc 2.28)",
            "linux",
            LINUX_PLATFORMS,
        ),
        (
            "manylinux2014_x86_64",
            "manylinux2014_x86_64",
            "Linux x86_64 (glibc 2.17)",
            "linux",
            LINUX_PLATFORMS[11:],
        ),
        (
            "manylinux2010_i686",
            "manylinux2010_i686",
            "Linux i686 (glibc 2.12)",
            "linux",
            tuple(p.replace("x86_64", "i686") for p in LINUX_PLATFORMS[17:]),
        ),
        (
            "manylinux1_x86_64",
            "manylinux1_x86_64",
            "Linux x86_64 (glibc 2.5)",
            "linux",
            ("manylinux_2_5_x86_64", "manylinux1_x86_64"),
        ),
        (
            "manylinux2014_aarch64",
            "manylinux2014_aarch64",
            "Linux aarch64 (glibc 2.17)",
            "linux",
            ("manylinux_2_17_aarch64", "manylinux2014_aarch64"),
        ),
        (
            "manylinux_2_34_aarch64",
            "manylinux_2_34_aarch64",
            "Linux aarch64 (glibc 2.34)",
            "linux",
            (
                *(f"manylinux_2_{m}_aarch64" for m in range(34, 16, -1)),
                "manylinux2014_aarch64",
            ),
        ),
        (
            "musllinux_1_1_aarch64",
            "musllinux_1_1_aarch64",
            "Linux aarch64 (musl 1.1)",
            "linux",
            ("musllinux_1_1_aarch64", "musllinux_1_0_aarch64"),
        ),
        (
            "macosx_14_0_arm64",
            "macosx_14_0_arm64",
            "macOS 14.0 arm64",
            "macos",
            tuple(mac_platforms((14, 0), "arm64")),
        ),
        (
            "macosx_10_9_x86_64",
            "macosx_10_9_x86_64",
            "macOS 10.9 x86_64",
            "macos",
            tuple(mac_platforms((10, 9), "x86_64")),
        ),
        ("win_amd64", "win_amd64", "Windows amd64", "windows", ("win_amd64",)),
        ("win32", "win32", "Windows x86", "windows", ("win32",)),
        ("win_arm64", "win_arm64", "Windows arm64", "windows", ("win_arm64",)),
        # sysconfig.get_platform() spelling, case and spaces
        (" MacOSX-14.0-arm64 ", "macosx_14_0_arm64", "macOS 14.0 arm64", "macos", None),
        (" Linux ", "linux", "Linux x86_64", "linux", LINUX_PLATFORMS),
    ],
)
def test_explicit_platform_tags(value, key, label, os, platforms):
    parsed = parse_platform(value)
    assert (parsed.key, parsed.label, parsed.os) == (key, label, os)
    if platforms is not None:
        assert parsed.platforms == platforms


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "it is empty"),
        ("   ", "it is empty"),
        ("linux_x86_64", "local builds"),
        ("linux_aarch64", "local builds"),
        ("manylinux_2_4_x86_64", "starts at glibc 2.5"),
        ("manylinux_2_16_aarch64", "starts at glibc 2.17"),
        ("manylinux_2_280_x86_64", "starts at glibc"),
        ("manylinux_2_28_amd64", "'amd64' is not one of its architectures"),
        ("manylinux1_aarch64", "'aarch64' is not one of its architectures"),
        ("manylinux2010_aarch64", "'aarch64' is not one of its architectures"),
        ("musllinux_1_30_x86_64", "musl 1.30 does not exist"),
        ("musllinux_2_0_x86_64", "neither a preset"),
        ("macosx_10_15_arm64", "macOS 10.15 on arm64 does not exist"),
        ("macosx_9_0_x86_64", "does not exist"),
        ("macosx_14_0_universal2", "'universal2' is not one of its architectures"),
        ("win_ia64", "neither a preset"),
        ("any", "neither a preset"),
        ("macos-arm64", "neither a preset"),
        ("ios_13_0_arm64_iphoneos", "neither a preset"),
    ],
)
def test_invalid_platforms_are_usage_errors_naming_the_presets(value, message):
    with pytest.raises(UsageError) as caught:
        parse_platform(value)
    text = str(caught.value)
    assert message in text
    assert "linux, linux-aarch64, windows, macos, macos-x86_64, musllinux" in text
    assert caught.value.exit_code == 2


@pytest.mark.parametrize(
    ("value", "expected"), [("3.12", (3, 12)), (" 3.0 ", (3, 0)), ("3.20", (3, 20))]
)
def test_python_versions(value, expected):
    assert parse_python(value) == expected


@pytest.mark.parametrize(
    "value", ["", "3", "three", "2.7", "3.12.1", "3.21", "3.x", "4.0", "3.13t", "312", "3,12"]
)
def test_invalid_python_versions_are_usage_errors(value):
    with pytest.raises(UsageError, match=r"expected a CPython 3 version as 3\.X"):
        parse_python(value)


def test_make_targets_rejects_bad_input_as_usage_errors():
    with pytest.raises(UsageError, match="'linux_x86_64'"):
        make_targets(["linux", "linux_x86_64"])
    with pytest.raises(UsageError, match=r"'2\.7'"):
        make_targets(["linux"], ["2.7"])
    with pytest.raises(UsageError, match=r"\(2, 7\)"):
        make_targets(["linux"], [(2, 7)])


def test_pitfalls_are_refused_not_turned_into_this_machine():
    with pytest.raises(ValueError, match="at least one"):
        supported_tags((3, 12), [])
    with pytest.raises(ValueError, match="at least one"):
        Target("x", "x", "other", (), (3, 12))
    with pytest.raises(ValueError, match="at least one"):
        supported_tags((3, 12), [""])
    for python in [(), (3,), (3, 12, 1), (2, 7), (True, 1)]:
        with pytest.raises(ValueError, match=r"\(3, minor\)"):
            supported_tags(python, ["win_amd64"])  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown os"):
        Target("x", "x", "beos", ("win_amd64",), (3, 12))  # type: ignore[arg-type]


def test_targets_compare_by_value_and_hash():
    assert target("windows") == target("windows")
    assert len({target("windows"), target("windows"), target("linux")}) == 2
    assert "platforms" not in repr(target("linux"))


# --------------------------------------------------------------------------- files

WIN = "demo-1.0-cp312-cp312-win_amd64.whl"
ABI3 = "demo-1.0-cp39-abi3-win_amd64.whl"
PURE = "demo-1.0-py3-none-any.whl"
SDIST = "demo-1.0.tar.gz"


@pytest.mark.parametrize("order", [(WIN, ABI3, PURE), (PURE, ABI3, WIN), (ABI3, PURE, WIN)])
def test_best_file_prefers_the_exact_abi_then_abi3_then_pure(order):
    windows = target("windows")
    assert best_file(order, windows) == WheelMatch(WIN, 0, Tag("cp312", "cp312", "win_amd64"))
    without_exact = [name for name in order if name != WIN]
    assert best_file(without_exact, windows) == WheelMatch(
        ABI3, 5, Tag("cp39", "abi3", "win_amd64")
    )
    assert best_file([PURE], windows) == WheelMatch(PURE, 29, Tag("py3", "none", "any"))
    assert best_file([PURE], windows).is_pure  # type: ignore[union-attr]


def test_best_file_reads_compressed_tag_sets_and_build_tags():
    linux = target("linux")
    compressed = "demo_bin-1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"
    match = best_file([compressed], linux)
    assert match == WheelMatch(compressed, 11, Tag("cp312", "cp312", "manylinux_2_17_x86_64"))
    built = "demo-1.0-2-cp312-cp312-win_amd64.whl"
    assert best_file([WIN, built], target("windows")) == WheelMatch(
        built, 0, Tag("cp312", "cp312", "win_amd64")
    )
    assert best_file([built, WIN], target("windows")).filename == built  # type: ignore[union-attr]


def test_best_file_ignores_invalid_names_and_foreign_wheels():
    junk = ["", "demo.whl", "demo-1.0-cp312.whl", "demo-x-y-z-w-v-u.whl", SDIST, "README.md"]
    assert best_file(junk, target("windows")) is None
    assert best_file([*junk, WIN], target("windows")).filename == WIN  # type: ignore[union-attr]
    assert best_file([WIN], target("linux")) is None
    assert best_file([WIN], target("windows", "3.11")) is None


@pytest.mark.parametrize(
    ("files", "kind", "wheel", "sdist"),
    [
        ([SDIST, PURE, WIN], "wheel", WIN, SDIST),
        ([PURE, "demo-1.0-cp312-none-any.whl"], "pure", "demo-1.0-cp312-none-any.whl", None),
        ([PURE, "demo-1.0-cp312-cp312-manylinux_2_17_x86_64.whl"], "pure", PURE, None),
        ([SDIST, "demo-1.0-cp312-cp312-manylinux_2_17_x86_64.whl"], "sdist-only", None, SDIST),
        (["demo-1.0.zip"], "sdist-only", None, "demo-1.0.zip"),
        # pip builds from .tar.bz2 as from .tar.gz (pip/_internal/utils/unpacking.py).
        (
            ["demo-1.0.tar.bz2", "demo-1.0-cp311-cp311-win_amd64.whl", "junk"],
            "sdist-only",
            None,
            "demo-1.0.tar.bz2",
        ),
        (["demo-1.0.exe", "demo-1.0-cp311-cp311-win_amd64.whl", "junk"], "none", None, None),
        ([], "none", None, None),
    ],
)
def test_classify(files, kind, wheel, sdist):
    fit = classify(files, target("windows"))
    assert isinstance(fit, Fit)
    assert (fit.kind, fit.wheel.filename if fit.wheel else None, fit.sdist) == (kind, wheel, sdist)


def test_classify_accepts_a_generator():
    fit = classify((name for name in [SDIST, WIN]), target("windows"))
    assert (fit.kind, fit.sdist) == ("wheel", SDIST)


_PYTHON_TAGS = ["cp312", "cp311", "cp39", "py3", "py312", "py2.py3", "pp310", "cp312.cp313"]
_ABI_TAGS = ["cp312", "abi3", "none", "cp311", "cp313t", "abi3t", "pypy310_pp73"]
_PLATFORM_TAGS = [
    "any",
    "win_amd64",
    "win32",
    "manylinux_2_17_x86_64",
    "manylinux2014_x86_64",
    "manylinux_2_28_aarch64",
    "musllinux_1_2_x86_64",
    "macosx_11_0_arm64",
    "macosx_10_9_universal2",
    "linux_x86_64",
    "manylinux_2_17_x86_64.manylinux2014_x86_64",
]
_part = st.one_of(st.sampled_from(_PYTHON_TAGS + _ABI_TAGS + _PLATFORM_TAGS), st.text(max_size=8))
_wheel_names = st.one_of(
    st.builds(
        "{}-{}{}-{}-{}-{}.whl".format,
        st.sampled_from(["demo", "demo_bin", "Demo.Bin", "", "dé"]),
        st.sampled_from(["1.0", "2!1.0.post1", "1.0rc1", "x", ""]),
        st.sampled_from(["", "-1", "-1abc", "-x"]),
        st.one_of(st.sampled_from(_PYTHON_TAGS), _part),
        st.one_of(st.sampled_from(_ABI_TAGS), _part),
        st.one_of(st.sampled_from(_PLATFORM_TAGS), _part),
    ),
    st.text(max_size=40),
)
_TARGETS = [target(name) for name in ("linux", "windows", "macos", "musllinux")]


@given(names=st.lists(_wheel_names, max_size=6), which=st.sampled_from(_TARGETS))
def test_random_wheel_names_never_crash_and_rank_as_the_brute_force_does(names, which):
    match = best_file(names, which)
    ranks = []
    for name in names:
        try:
            tags = parse_wheel_filename(name)[3]
        except InvalidWheelFilename:
            continue
        ranks += [which.tags.index(tag) for tag in tags if tag in which.tags]
    if not ranks:
        assert match is None
    else:
        assert match is not None
        assert match.filename in names
        assert match.rank == min(ranks)
        assert which.tags[match.rank] == match.tag
    assert classify(names, which).kind in {"wheel", "pure", "sdist-only", "none"}


# --------------------------------------------------------------------------- pip


@pytest.fixture
def pip_tags():
    """pip's own tag module, to compare with (pip is in the test environment)."""
    return pytest.importorskip("pip._internal.utils.compatibility_tags")


@pytest.mark.parametrize(
    ("flag", "expected"),
    [
        (
            "manylinux2014_x86_64",
            ("manylinux2014_x86_64", "manylinux2010_x86_64", "manylinux1_x86_64"),
        ),
        ("manylinux2014_i686", ("manylinux2014_i686", "manylinux2010_i686", "manylinux1_i686")),
        ("manylinux2014_aarch64", ("manylinux2014_aarch64",)),
        ("manylinux2010_x86_64", ("manylinux2010_x86_64", "manylinux1_x86_64")),
        ("manylinux_2_28_x86_64", ("manylinux_2_28_x86_64",)),
        ("manylinux_2_17_x86_64", ("manylinux_2_17_x86_64",)),
        ("musllinux_1_2_x86_64", ("musllinux_1_2_x86_64",)),
        ("win_amd64", ("win_amd64",)),
        ("macosx_14_0_arm64", tuple(mac_platforms((14, 0), "arm64"))),
        ("macosx_foo", ("macosx_foo",)),
        ("android_21_arm64_v8a", tuple(android_platforms(21, "arm64_v8a"))),
    ],
)
def test_pip_expands_like_pip(flag, expected, pip_tags):
    assert pip_expands(flag) == expected
    assert list(pip_expands(flag)) == pip_tags._get_custom_platforms(flag)


@pytest.mark.parametrize(
    "flag",
    [
        *LINUX_PLATFORMS,
        *PRESETS["macos-x86_64"].platforms,
        "manylinux2014_ppc64le",
        "manylinux2010_i686",
        "macosxcustom_11_0_x86_64",
        "ios_13_0_arm64_iphoneos",
        "android_27_x86_64",
        "linux_x86_64",
        "any",
    ],
)
def test_pip_expands_agrees_with_pips_own_function(flag, pip_tags):
    assert list(pip_expands(flag)) == pip_tags._get_custom_platforms(flag)


@pytest.mark.parametrize(
    "value", [*PRESETS, "manylinux2014_x86_64", "manylinux2010_i686", "musllinux_1_1_aarch64"]
)
def test_pip_platform_flags_make_pip_accept_exactly_the_targets_platforms(value, pip_tags):
    chosen = target(value)
    flags = pip_platform_flags(chosen)
    assert set(pip_tags._expand_allowed_platforms(list(flags))) == set(chosen.platforms)
    # pip's Tag is its vendored class, unequal to packaging's: compare the spellings
    pip_supported = pip_tags.get_supported("312", list(flags), "cp", ["cp312"])
    assert {str(tag) for tag in pip_supported} == {str(tag) for tag in chosen.tags}


def test_pip_platform_flags_are_short():
    assert pip_platform_flags(target("macos")) == ("macosx_14_0_arm64",)
    assert pip_platform_flags(target("windows")) == ("win_amd64",)
    linux = pip_platform_flags(target("linux"))
    assert linux == tuple(
        p for p in LINUX_PLATFORMS if p not in {"manylinux2010_x86_64", "manylinux1_x86_64"}
    )
    assert pip_download_args(target("windows", "3.10")) == (
        "--only-binary=:all:",
        "--platform",
        "win_amd64",
        "--python-version",
        "3.10",
        "--implementation",
        "cp",
        "--abi",
        "cp310",
    )


def test_pip_single_platform_is_the_given_tag_or_the_presets_first():
    assert pip_single_platform(target("linux")) == "manylinux_2_28_x86_64"
    assert pip_single_platform(target("manylinux2014_x86_64")) == "manylinux2014_x86_64"
    assert pip_single_platform(target("macos")) == "macosx_14_0_arm64"


@pytest.mark.parametrize(
    ("platform_value", "wheel", "missed"),
    [
        ("manylinux_2_28_x86_64", "demo-1.0-cp312-cp312-manylinux_2_17_x86_64.whl", True),
        (
            "manylinux_2_28_x86_64",
            "demo-1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
            True,
        ),
        ("linux", "demo-1.0-cp312-cp312-manylinux_2_17_x86_64.whl", True),
        ("linux", "demo-1.0-cp312-cp312-manylinux1_x86_64.whl", True),
        ("manylinux_2_28_x86_64", "demo-1.0-cp312-cp312-manylinux_2_28_x86_64.whl", False),
        # manylinux2014 widens to 2010 and 1, but not to the equivalent manylinux_2_17 name
        ("manylinux2014_x86_64", "demo-1.0-cp312-cp312-manylinux1_x86_64.whl", False),
        ("manylinux2014_x86_64", "demo-1.0-cp312-cp312-manylinux_2_17_x86_64.whl", True),
        ("macos", "demo-1.0-cp312-cp312-macosx_11_0_arm64.whl", False),
        ("macos", "demo-1.0-cp312-cp312-macosx_10_9_universal2.whl", False),
        ("musllinux", "demo-1.0-cp312-cp312-musllinux_1_1_x86_64.whl", True),
        ("windows", WIN, False),
        ("linux", PURE, False),  # pure wheels fit whatever the platform
        ("linux", WIN, False),  # does not fit at all: nothing to miss
        ("linux", "not a wheel", False),
    ],
)
def test_pip_would_miss(platform_value, wheel, missed):
    assert pip_would_miss(target(platform_value), wheel) is missed
