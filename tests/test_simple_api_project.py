"""Project-page parsing: PEP 503 HTML, PEP 691 JSON, PEP 592/629/658/700/714, and not-a-page.

``parse_project_page`` reads untrusted bodies, so besides the PEP rules it must never raise:
the hypothesis tests at the end feed it random text, bytes, HTML-ish markup and JSON values.
"""

from __future__ import annotations

import html
import json
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asdiag.simple_api import (
    JSON_CONTENT_TYPE,
    DistFile,
    NotAProjectPage,
    ProjectPage,
    parse_project_page,
)

PAGE = "https://idx.example/simple/demo/"
SHA = "a" * 64
MD5 = "0123456789abcdef0123456789abcdef"
WHEEL = "demo-1.0-py3-none-any.whl"


def html_page(*anchors: str, head: str = "") -> bytes:
    return (
        f"<!DOCTYPE html><html><head>{head}</head><body>{''.join(anchors)}</body></html>".encode()
    )


def one_html_file(anchor: str, *, head: str = "", page_url: str = PAGE) -> DistFile:
    page = parse_project_page(html_page(anchor, head=head), "text/html", page_url)
    assert isinstance(page, ProjectPage), page
    assert len(page.files) == 1, page.files
    return page.files[0]


def json_page(data: object) -> ProjectPage | NotAProjectPage:
    return parse_project_page(json.dumps(data).encode(), JSON_CONTENT_TYPE, PAGE)


def one_json_file(entry: dict[str, object]) -> DistFile:
    page = json_page({"meta": {"api-version": "1.1"}, "name": "demo", "files": [entry]})
    assert isinstance(page, ProjectPage), page
    assert len(page.files) == 1, page
    return page.files[0]


# --- PEP 503 HTML ---------------------------------------------------------------------------


def test_a_full_pep503_page():
    body = html_page(
        f'<a href="../../packages/demo-1.0.tar.gz#sha256={SHA}">demo-1.0.tar.gz</a>',
        f'<a href="/files/{WHEEL}#md5={MD5}" data-requires-python="&gt;=3.8" '
        'data-core-metadata="true">wheel</a>',
        head='<meta name="pypi:repository-version" content="1.0">',
    )
    page = parse_project_page(body, "text/html", PAGE)
    assert page == ProjectPage(
        format="html",
        name=None,
        api_version="1.0",
        files=(
            DistFile(
                "demo-1.0.tar.gz",
                "https://idx.example/packages/demo-1.0.tar.gz",
                (("sha256", SHA),),
            ),
            DistFile(
                WHEEL,
                f"https://idx.example/files/{WHEEL}",
                (("md5", MD5),),
                requires_python=">=3.8",
                core_metadata=True,
            ),
        ),
    )


@pytest.mark.parametrize("content_type", ["text/html", "application/vnd.pypi.simple.v1+html"])
def test_both_html_content_types_are_html(content_type):
    page = parse_project_page(html_page(f'<a href="{WHEEL}">w</a>'), content_type, PAGE)
    assert isinstance(page, ProjectPage)
    assert page.format == "html"


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b'  <a href="demo-1.0.tar.gz">x</a>', ""),
        (b'{"files": [{"url": "demo-1.0.tar.gz"}]}', "application/json"),
        (b'{"files": []}', "application/vnd.pypi.latest+json"),
    ],
)
def test_a_page_pip_skips_for_its_content_type_is_no_page(body, content_type):
    """pip 26.3's _ensure_api_header reads text/html and the simple API's own types only."""
    page = parse_project_page(body, content_type, PAGE)
    assert isinstance(page, NotAProjectPage)
    assert "pip 26.3 skips such a page" in page.reason


def test_pages_pip_cannot_read_are_no_pages():
    """pip decodes strictly and raises InvalidEggFragment for an #egg= that is no name."""
    latin = parse_project_page(b'<a href="caf\xe9-1.0.tar.gz">x</a>', "text/html", PAGE)
    assert isinstance(latin, NotAProjectPage) and "cannot decode" in latin.reason
    declared = parse_project_page(
        b'<a href="caf\xe9-1.0.tar.gz">x</a>', "text/html", PAGE, "iso-8859-1"
    )
    assert isinstance(declared, ProjectPage)
    unknown = parse_project_page(b'<a href="x-1.0.tar.gz">x</a>', "text/html", PAGE, "x-foo")
    assert isinstance(unknown, NotAProjectPage) and "unknown" in unknown.reason
    for egg in ("", "foo 1.0", "Tool[cli]"):
        bad = parse_project_page(f'<a href="x.zip#egg={egg}">x</a>'.encode(), "text/html", PAGE)
        assert isinstance(bad, NotAProjectPage) and "InvalidEggFragment" in bad.reason, egg


def test_a_json_url_fragment_gives_its_egg_and_its_hash():
    page = parse_project_page(
        json.dumps(
            {"files": [{"url": "dl/x.zip#egg=foo-2.0"}, {"url": f"foo-1.0.tar.gz#sha256={SHA}"}]}
        ).encode(),
        JSON_CONTENT_TYPE,
        PAGE,
    )
    assert isinstance(page, ProjectPage)
    assert page.files[0].egg == "foo-2.0"
    assert page.files[1].hashes == (("sha256", SHA),)


@pytest.mark.parametrize(
    ("page_url", "head", "href", "expected"),
    [
        # Relative to the page URL.
        (PAGE, "", WHEEL, f"https://idx.example/simple/demo/{WHEEL}"),
        (PAGE, "", f"../../packages/{WHEEL}", f"https://idx.example/packages/{WHEEL}"),
        (PAGE, "", f"/root/{WHEEL}", f"https://idx.example/root/{WHEEL}"),
        (PAGE, "", f"//cdn.example/{WHEEL}", f"https://cdn.example/{WHEEL}"),
        (PAGE, "", f"http://other.example/{WHEEL}", f"http://other.example/{WHEEL}"),
        # A page without its trailing slash resolves one level up (as browsers and pip do).
        ("https://idx.example/simple/demo", "", WHEEL, f"https://idx.example/simple/{WHEEL}"),
        # <base href>: relative to the page, then the links relative to it.
        (PAGE, '<base href="../../files/">', WHEEL, f"https://idx.example/files/{WHEEL}"),
        (PAGE, '<base href="/x/y/">', f"../{WHEEL}", f"https://idx.example/x/{WHEEL}"),
        # An absolute <base href> on another host.
        (
            PAGE,
            '<base href="https://cdn.example/pkgs/">',
            WHEEL,
            f"https://cdn.example/pkgs/{WHEEL}",
        ),
        # An absolute href ignores the base.
        (
            PAGE,
            '<base href="https://cdn.example/pkgs/">',
            f"https://third.example/{WHEEL}",
            f"https://third.example/{WHEEL}",
        ),
    ],
)
def test_links_resolve_against_the_page_and_base(page_url, head, href, expected):
    dist = one_html_file(f'<a href="{href}">x</a>', head=head, page_url=page_url)
    assert dist.url == expected
    assert dist.filename == WHEEL


def test_only_the_first_base_counts():
    head = '<base href="https://first.example/"><base href="https://second.example/">'
    assert one_html_file(f'<a href="{WHEEL}">x</a>', head=head).url == (
        f"https://first.example/{WHEEL}"
    )


def test_a_base_without_href_is_ignored():
    dist = one_html_file(f'<a href="{WHEEL}">x</a>', head="<base target=_blank>")
    assert dist.url == f"{PAGE}{WHEEL}"


def test_the_filename_is_percent_decoded():
    dist = one_html_file('<a href="demo%2Bx-1.0.tar.gz">x</a>')
    assert dist.filename == "demo+x-1.0.tar.gz"
    assert dist.url == f"{PAGE}demo%2Bx-1.0.tar.gz"


@pytest.mark.parametrize(
    ("fragment", "hashes"),
    [
        (f"#sha256={SHA}", (("sha256", SHA),)),
        (f"#md5={MD5}", (("md5", MD5),)),
        (f"#sha512={'b' * 128}", (("sha512", "b" * 128),)),
        # pip's LinkHash: a hash anywhere in the fragment, not only first.
        (f"#egg=demo&sha256={SHA}", (("sha256", SHA),)),
        (f"#sha256={SHA}&subdirectory=x", (("sha256", SHA),)),
        # pip matches the name in lower case only, and does not check the value is hex.
        (f"#SHA256={SHA.upper()}", ()),
        ("#sha256=not-hex", (("sha256", "not-hex"),)),
        # Junk fragments: no '=', no name, no value.
        ("#sha256", ()),
        ("#=abc", ()),
        ("#sha256=", ()),
        ("#egg=demo-1.0", ()),
        ("#", ()),
        ("", ()),
    ],
)
def test_hash_fragments(fragment, hashes):
    dist = one_html_file(f'<a href="{WHEEL}{fragment}">x</a>')
    assert dist.hashes == hashes
    assert dist.url == f"{PAGE}{WHEEL}"  # never with the fragment


def test_hash_lookup_by_name():
    dist = one_html_file(f'<a href="{WHEEL}#sha256={SHA}">x</a>')
    assert (dist.hash("sha256"), dist.hash("md5")) == (SHA, None)


def test_a_hex_looking_fragment_with_an_unknown_name_is_no_hash():
    assert one_html_file(f'<a href="{WHEEL}#egg=cafe">x</a>').hashes == ()


@pytest.mark.parametrize(
    ("attribute", "expected"),
    [
        ("", None),
        ('data-requires-python=""', None),
        ('data-requires-python="  "', None),
        ('data-requires-python="&gt;=3.8"', ">=3.8"),
        ('data-requires-python="&gt;=3.8,&lt;4"', ">=3.8,<4"),
        ('data-requires-python=" &gt;=3.9 "', ">=3.9"),
        ("data-requires-python", None),
    ],
)
def test_requires_python(attribute, expected):
    assert one_html_file(f'<a href="{WHEEL}" {attribute}>x</a>').requires_python == expected


@pytest.mark.parametrize(
    ("attribute", "expected"),
    [
        ("", None),
        # pip 26.3 reads a bare attribute as not yanked (PEP 592 and uv: yanked); see the note.
        ("data-yanked", None),
        ('data-yanked=""', ""),
        ('data-yanked="broken build"', "broken build"),
        ('data-yanked="a &amp; b"', "a & b"),
    ],
)
def test_yanked(attribute, expected):
    assert one_html_file(f'<a href="{WHEEL}" {attribute}>x</a>').yanked == expected


@pytest.mark.parametrize("name", ["data-core-metadata", "data-dist-info-metadata"])
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('="true"', True),
        ('="TRUE"', True),
        (f'="sha256={SHA}"', True),
        ('="false"', False),
        ("", True),  # bare attribute
        ('=""', False),
    ],
)
def test_core_metadata_attributes(name, value, expected):
    assert one_html_file(f'<a href="{WHEEL}" {name}{value}>x</a>').core_metadata is expected


def test_core_metadata_wins_over_dist_info_metadata():
    anchor = f'<a href="{WHEEL}" data-core-metadata="false" data-dist-info-metadata="true">x</a>'
    assert one_html_file(anchor).core_metadata is False
    anchor = f'<a href="{WHEEL}" data-dist-info-metadata="false" data-core-metadata="true">x</a>'
    assert one_html_file(anchor).core_metadata is True


def test_no_metadata_attribute_means_no_metadata():
    assert one_html_file(f'<a href="{WHEEL}">x</a>').core_metadata is False


def test_attribute_names_are_case_insensitive():
    dist = one_html_file(f'<A HREF="{WHEEL}" DATA-YANKED="old" DATA-REQUIRES-PYTHON="&gt;=3">x</A>')
    assert (dist.yanked, dist.requires_python) == ("old", ">=3")


@pytest.mark.parametrize(
    "anchor",
    [
        "<a>no href</a>",
        '<a href="">empty</a>',
        '<a href="#top">fragment only</a>',
        '<a href="?page=2">query only</a>',
        '<a href="/">root</a>',
    ],
)
def test_anchors_without_a_file_are_skipped(anchor):
    page = parse_project_page(html_page(anchor), "text/html", PAGE)
    assert isinstance(page, ProjectPage)
    assert page.files == ()


def test_html_page_without_links_is_an_empty_page():
    page = parse_project_page(html_page(), "text/html", PAGE)
    assert page == ProjectPage("html", None, None, ())


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "mailto:ops@example.org",
        f"ftp://mirror.example/{WHEEL}",
        f"file:///srv/{WHEEL}",
    ],
)
def test_links_with_other_schemes_are_skipped_with_a_note(href):
    """No installer fetches them; keeping them would send the file probe to ftp or file."""
    page = parse_project_page(
        html_page(f'<a href="{href}">x</a><a href="{WHEEL}">w</a>'), "text/html", PAGE
    )
    assert isinstance(page, ProjectPage)
    assert [f.filename for f in page.files] == [WHEEL]
    assert page.notes == (f"link {href!r} is not an http(s) URL; skipped",)


@pytest.mark.parametrize(
    "body",
    [
        html_page(f'<a href="http://[broken/{WHEEL}">x</a>'),
        html_page(f'<a href="http://host]/{WHEEL}">x</a>'),
        html_page(f'<a href="//ex\uff03ample/{WHEEL}">x</a>'),
        html_page(f'<a href="{WHEEL}">x</a>', head='<base href="https://[::1/">'),
    ],
    ids=["open-bracket", "close-bracket", "nfkc-netloc", "base"],
)
def test_an_unparseable_link_url_does_not_crash_the_html_parser(body):
    assert isinstance(parse_project_page(body, "text/html", PAGE), ProjectPage | NotAProjectPage)


def test_an_unclosed_last_link_still_counts():
    page = parse_project_page(
        b'<a href="a-1.0.tar.gz">a</a><a href="b-1.0.tar.gz">b', "text/html", PAGE
    )
    assert isinstance(page, ProjectPage)
    assert [f.filename for f in page.files] == ["a-1.0.tar.gz", "b-1.0.tar.gz"]


def test_an_unclosed_link_followed_by_another_still_counts():
    page = parse_project_page(
        b'<a href="a-1.0.tar.gz">a<a href="b-1.0.tar.gz">b</a>', "text/html", PAGE
    )
    assert isinstance(page, ProjectPage)
    assert [f.filename for f in page.files] == ["a-1.0.tar.gz", "b-1.0.tar.gz"]


def test_a_login_page_is_not_a_project_page():
    body = html_page('<form><input type="password" name="pw"></form><a href="/forgot">?</a>')
    page = parse_project_page(body, "text/html", PAGE)
    assert isinstance(page, NotAProjectPage)
    assert "password" in page.reason


# --- PEP 691 JSON ---------------------------------------------------------------------------


def test_a_full_pep691_page():
    data = {
        "meta": {"api-version": "1.1", "_last-serial": 7},
        "name": "demo",
        "versions": ["0.9", "1.0"],
        "files": [
            {
                "filename": WHEEL,
                "url": f"../../files/{WHEEL}",
                "hashes": {"SHA256": SHA.upper(), "md5": MD5},
                "requires-python": ">=3.8",
                "core-metadata": {"sha256": SHA},
                "size": 1234,
                "upload-time": "2026-01-02T03:04:05.000000Z",
                "yanked": False,
                "unknown-key": [1, 2],
            }
        ],
    }
    assert json_page(data) == ProjectPage(
        format="json",
        name="demo",
        api_version="1.1",
        files=(
            DistFile(
                WHEEL,
                f"https://idx.example/files/{WHEEL}",
                (("sha256", SHA), ("md5", MD5)),
                requires_python=">=3.8",
                yanked=None,
                core_metadata=True,
                size=1234,
                upload_time="2026-01-02T03:04:05.000000Z",
            ),
        ),
        versions=("0.9", "1.0"),
    )


def test_json_content_type():
    page = parse_project_page(b'{"files": []}', JSON_CONTENT_TYPE, PAGE)
    assert page == ProjectPage("json", None, None, ())


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (WHEEL, f"{PAGE}{WHEEL}"),
        (f"/f/{WHEEL}", f"https://idx.example/f/{WHEEL}"),
        (f"https://cdn.example/{WHEEL}#sha256={SHA}", f"https://cdn.example/{WHEEL}"),
        (f"//cdn.example/{WHEEL}", f"https://cdn.example/{WHEEL}"),
    ],
)
def test_json_urls_resolve_against_the_page(url, expected):
    assert one_json_file({"filename": WHEEL, "url": url}).url == expected


@pytest.mark.parametrize(
    ("entry", "filename"),
    [
        ({"url": f"/f/{WHEEL}"}, WHEEL),
        ({"url": "/f/demo%2Bx-1.0.tar.gz", "filename": ""}, "demo+x-1.0.tar.gz"),
        ({"url": f"/f/{WHEEL}", "filename": 3}, WHEEL),
        # pip 26.3 (Link.from_json) goes by the URL whatever the filename key says.
        ({"url": "/f/whatever", "filename": "given.tar.gz"}, "whatever"),
    ],
)
def test_the_filename_comes_from_the_url_as_pip_reads_it(entry, filename):
    assert one_json_file(entry).filename == filename


def test_a_filename_key_that_is_not_the_urls_name_is_noted():
    page = parse_project_page(
        json.dumps(
            {"files": [{"url": "/f/x-1.0%2Bcpu.tar.gz", "filename": "x-1.0.tar.gz"}]}
        ).encode(),
        JSON_CONTENT_TYPE,
        PAGE,
    )
    assert isinstance(page, ProjectPage)
    assert page.files[0].filename == "x-1.0+cpu.tar.gz"
    assert page.notes == (
        "file entry 1: its filename 'x-1.0.tar.gz' is not the name in its URL, "
        "'x-1.0+cpu.tar.gz'; pip goes by the URL, uv by the filename",
    )


@pytest.mark.parametrize(
    ("hashes", "expected"),
    [
        ({"sha256": SHA}, (("sha256", SHA),)),
        ({"SHA256": SHA.upper(), "md5": MD5}, (("sha256", SHA), ("md5", MD5))),
        ({"sha256": 5, "md5": MD5}, (("md5", MD5),)),
        ({}, ()),
        (["sha256", SHA], ()),
        ("sha256=" + SHA, ()),
        (None, ()),
    ],
)
def test_json_hashes(hashes, expected):
    assert one_json_file({"url": WHEEL, "hashes": hashes}).hashes == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(">=3.8", ">=3.8"), (" >=3.9 ", ">=3.9"), ("", None), ("  ", None), (None, None), (3, None)],
)
def test_json_requires_python(value, expected):
    assert one_json_file({"url": WHEEL, "requires-python": value}).requires_python == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (False, None),
        (True, ""),
        ("security hole", "security hole"),
        ("", None),  # PEP 691 requires a non-empty reason; pip reads "" as not yanked too
        (None, None),
        (1, ""),
    ],
)
def test_json_yanked(value, expected):
    assert one_json_file({"url": WHEEL, "yanked": value}).yanked == expected


def test_json_without_yanked_is_not_yanked():
    assert one_json_file({"url": WHEEL}).yanked is None


@pytest.mark.parametrize("key", ["core-metadata", "dist-info-metadata"])
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, True),
        (False, False),
        ({"sha256": SHA}, True),
        ({}, True),
        ("true", True),
        ("false", False),
        (None, False),
        (1, False),
    ],
)
def test_json_core_metadata(key, value, expected):
    assert one_json_file({"url": WHEEL, key: value}).core_metadata is expected


def test_json_core_metadata_wins_over_dist_info_metadata():
    entry = {"url": WHEEL, "core-metadata": False, "dist-info-metadata": True}
    assert one_json_file(entry).core_metadata is False


@pytest.mark.parametrize(
    ("size", "expected"), [(10, 10), (0, 0), (True, None), ("10", None), (1.5, None)]
)
def test_json_size(size, expected):
    assert one_json_file({"url": WHEEL, "size": size}).size == expected


@pytest.mark.parametrize(
    ("value", "expected"), [("2026-01-02T03:04:05Z", "2026-01-02T03:04:05Z"), (5, None)]
)
def test_json_upload_time(value, expected):
    assert one_json_file({"url": WHEEL, "upload-time": value}).upload_time == expected


@pytest.mark.parametrize(
    ("data", "versions"),
    [
        ({"versions": ["1.0", "2.0"]}, ("1.0", "2.0")),
        ({"versions": [1, "2.0"]}, ("1", "2.0")),
        ({"versions": "1.0"}, ()),
        ({}, ()),
    ],
)
def test_json_versions_pep700(data, versions):
    page = json_page({"files": [], **data})
    assert isinstance(page, ProjectPage)
    assert page.versions == versions


@pytest.mark.parametrize(
    ("meta", "api_version"),
    [
        ({"api-version": "1.0"}, "1.0"),
        ({"api-version": "1.4"}, "1.4"),
        ({"api-version": 1.1}, "1.1"),
        ({}, None),
        ("1.0", None),
        (None, None),
    ],
)
def test_json_api_version(meta, api_version):
    page = json_page({"meta": meta, "files": []})
    assert isinstance(page, ProjectPage)
    assert page.api_version == api_version


@pytest.mark.parametrize(("name", "expected"), [("demo", "demo"), (5, None), (None, None)])
def test_json_name(name, expected):
    page = json_page({"name": name, "files": []})
    assert isinstance(page, ProjectPage)
    assert page.name == expected


def test_unusable_json_entries_are_skipped_with_a_note():
    files = [
        {"filename": "no-url-1.0.tar.gz"},
        {"url": 5},
        "demo-1.0.tar.gz",
        None,
        [WHEEL],
        {"url": WHEEL},
    ]
    page = json_page({"files": files})
    assert isinstance(page, ProjectPage)
    assert [f.filename for f in page.files] == [WHEEL]
    assert page.notes == tuple(f"file entry {n} has no url; skipped" for n in range(1, 6))


def test_an_empty_json_url_is_skipped_with_a_note():
    page = json_page({"files": [{"url": ""}]})
    assert isinstance(page, ProjectPage)
    assert (page.files, page.notes) == ((), ("file entry 1 has no url; skipped",))


def test_an_unparseable_json_url_does_not_crash():
    page = json_page({"files": [{"url": f"http://[broken/{WHEEL}"}, {"url": WHEEL}]})
    assert isinstance(page, ProjectPage)
    assert [f.filename for f in page.files] == [WHEEL]


def test_deeply_nested_json_is_not_a_page_rather_than_a_crash():
    page = parse_project_page(b"[" * 100_000, JSON_CONTENT_TYPE, PAGE)
    assert isinstance(page, NotAProjectPage)


# --- not a project page ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "content_type", "reason"),
    [
        (b"", "text/html", "the body is empty"),
        (b" \n\t ", JSON_CONTENT_TYPE, "the body is empty"),
        (b"{not json", JSON_CONTENT_TYPE, "is not valid JSON"),
        (b"\xff\xfe\xfa", JSON_CONTENT_TYPE, "is not valid JSON"),
        (b'{"projects": []}', JSON_CONTENT_TYPE, "no 'files' list"),
        (b'{"files": {"a": 1}}', JSON_CONTENT_TYPE, "no 'files' list"),
        (b"[1, 2]", JSON_CONTENT_TYPE, "no 'files' list"),
        (b'"files"', JSON_CONTENT_TYPE, "no 'files' list"),
        (b"<a href='x'>x</a>", "text/plain", "the Content-Type is text/plain"),
        (b"<a href='x'>x</a>", "application/octet-stream", "application/octet-stream"),
        (b"plain words", "", "the Content-Type is missing"),
        (b"just some text & no tags", "text/html", "contains no HTML"),
    ],
)
def test_not_a_project_page(body, content_type, reason):
    page = parse_project_page(body, content_type, PAGE)
    assert isinstance(page, NotAProjectPage)
    assert reason in page.reason


# --- properties: never a crash --------------------------------------------------------------

#: Characters for generated URLs: printable ASCII without '[' and ']' (known crash, see the
#: xfail tests above) and without quotes (so an attribute value survives quoting unchanged).
_URL_ALPHABET = st.characters(min_codepoint=0x21, max_codepoint=0x7E, exclude_characters="[]\"'<>&")
_URL_TEXT = st.text(_URL_ALPHABET, max_size=30)
_WEIRD_SCHEMES = ("javascript:", "mailto:", "data:text/plain,", "ftp://mirror.example/")
_FILENAMES = st.sampled_from(
    [WHEEL, "demo-1.0.tar.gz", "demo-2.0-cp312-cp312-win_amd64.whl", "other-1.0.zip", "x"]
)
_HREFS = st.one_of(
    _URL_TEXT,
    st.builds(lambda d, f: f"{d}{f}", st.sampled_from(["", "../", "/", "./sub/"]), _FILENAMES),
    st.builds(
        lambda h, f: f"https://{h}/{f}", st.sampled_from(["a.example", "b:8443"]), _FILENAMES
    ),
    st.builds(lambda f: f"//cdn.example/{f}", _FILENAMES),
    st.builds(lambda s, t: s + t, st.sampled_from(_WEIRD_SCHEMES), _URL_TEXT),
    st.builds(
        lambda f, frag: f"{f}#{frag}", _FILENAMES, st.sampled_from(["sha256=" + SHA, "md5=zz", ""])
    ),
)
_ATTRIBUTE_NAMES = st.one_of(
    st.sampled_from(
        [
            "data-requires-python",
            "data-yanked",
            "data-core-metadata",
            "data-dist-info-metadata",
            "rel",
            "class",
        ]
    ),
    st.text("abdefghiz-", min_size=1, max_size=8),  # never "href"
)


@st.composite
def _anchors(draw: st.DrawFn) -> tuple[str, str]:
    """An ``<a>`` tag with random attributes, and its href."""
    href = draw(_HREFS)
    attributes = draw(st.dictionaries(_ATTRIBUTE_NAMES, st.none() | st.text(max_size=10)))
    parts = [f'href="{html.escape(href)}"']
    for name, value in attributes.items():
        parts.append(name if value is None else f'{name}="{html.escape(value)}"')
    parts = draw(st.permutations(parts))
    text = draw(st.text(max_size=10))
    return f"<a {' '.join(parts)}>{html.escape(text)}</a>", href


_JUNK = st.one_of(
    st.text(max_size=20),
    st.sampled_from(
        [
            "<",
            ">",
            "</a>",
            "<a",
            "<a href>",
            "<!--",
            "-->",
            "<![CDATA[",
            "<script>",
            "</script>",
            "&",
            "&#x;",
            "&gt",
            '<meta name="pypi:repository-version" content="1.1">',
            "<input type=password>",
            "<base>",
            '<base href="/mirror/">',
            '<base href="https://cdn.example/p/">',
        ]
    ),
)


@st.composite
def _html_ish(draw: st.DrawFn) -> tuple[str, list[str]]:
    pieces = draw(st.lists(st.one_of(_anchors(), _JUNK.map(lambda j: (j, None))), max_size=8))
    return "".join(p for p, _ in pieces), [h for _, h in pieces if h is not None]


_JSON_SCALARS = st.none() | st.booleans() | st.integers() | st.text(max_size=10)
_JSON_VALUES = st.recursive(
    _JSON_SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=10,
)
_ENTRY_KEYS = (
    "filename",
    "hashes",
    "requires-python",
    "yanked",
    "core-metadata",
    "dist-info-metadata",
    "size",
    "upload-time",
    "other",
)
_URL_VALUES = st.one_of(_URL_TEXT, _HREFS)
_OTHER_VALUES = dict.fromkeys(_ENTRY_KEYS, _JSON_VALUES | _URL_TEXT)
#: A file entry: mostly with a string url (from the URL strategies), the rest anything.
_ENTRY = st.one_of(
    st.fixed_dictionaries({"url": _URL_VALUES}, optional=_OTHER_VALUES),
    st.fixed_dictionaries({"url": _URL_VALUES}, optional=_OTHER_VALUES),
    st.fixed_dictionaries(
        {}, optional={"url": st.none() | st.integers() | st.lists(_JSON_SCALARS), **_OTHER_VALUES}
    ),
    _JSON_VALUES,
)
_PROJECT_JSON = st.fixed_dictionaries(
    {"files": st.lists(_ENTRY, max_size=6)},
    optional={"meta": _JSON_VALUES, "name": _JSON_VALUES, "versions": _JSON_VALUES},
)
_CONTENT_TYPES = st.sampled_from(["text/html", JSON_CONTENT_TYPE, "", "text/plain", "x/json"])


def _assert_well_formed(page: ProjectPage | NotAProjectPage, schemes_given: set[str]) -> None:
    """Never a crash: a page or a reason; every file absolute, without a fragment, and http(s)
    unless its own link named another scheme (those pass through as given)."""
    assert isinstance(page, ProjectPage | NotAProjectPage)
    if isinstance(page, NotAProjectPage):
        assert page.reason
        return
    for dist in page.files:
        assert isinstance(dist, DistFile)
        parts = urlsplit(dist.url)
        assert parts.scheme, dist
        assert "#" not in dist.url
        if parts.scheme in schemes_given - {"http", "https"}:
            continue  # a link that named its own scheme ("javascript:x"): kept as given
        assert parts.scheme in ("http", "https"), (dist, schemes_given)
        if parts.scheme in schemes_given and not parts.netloc:
            continue  # "http:x" on an https page: urljoin keeps it as given, as pip does
        assert parts.netloc, dist


def _schemes(urls: list[object]) -> set[str]:
    return {urlsplit(u).scheme.lower() for u in urls if isinstance(u, str)}


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300), _CONTENT_TYPES)
def test_random_bytes_never_crash(body, content_type):
    page = parse_project_page(body, content_type, PAGE)
    assert isinstance(page, ProjectPage | NotAProjectPage)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300), _CONTENT_TYPES)
def test_random_text_never_crashes(text, content_type):
    page = parse_project_page(text.encode("utf-8", "surrogatepass"), content_type, PAGE)
    assert isinstance(page, ProjectPage | NotAProjectPage)


@settings(max_examples=100, deadline=None)
@given(_html_ish(), st.sampled_from([PAGE, "http://127.0.0.1:8080/simple/demo/"]))
def test_random_html_never_crashes_and_links_are_absolute(document, page_url):
    body, hrefs = document
    page = parse_project_page(body.encode(), "text/html", page_url)
    _assert_well_formed(page, _schemes(hrefs))
    if isinstance(page, ProjectPage):
        assert page.format == "html"
        assert all(dist.filename for dist in page.files)
        assert len(page.files) <= len(hrefs)


@settings(max_examples=100, deadline=None)
@given(_JSON_VALUES)
def test_random_json_values_never_crash(value):
    page = parse_project_page(json.dumps(value).encode(), JSON_CONTENT_TYPE, PAGE)
    assert isinstance(page, ProjectPage | NotAProjectPage)
    is_page = isinstance(value, dict) and isinstance(value.get("files"), list)
    assert isinstance(page, ProjectPage) is is_page


@settings(max_examples=80, deadline=None)
@given(_PROJECT_JSON)
def test_random_json_project_pages_never_crash(data):
    page = parse_project_page(json.dumps(data).encode(), JSON_CONTENT_TYPE, PAGE)
    assert isinstance(page, ProjectPage)
    urls = [e.get("url") for e in data["files"] if isinstance(e, dict)]
    _assert_well_formed(page, _schemes(urls))
    usable = [
        e
        for e in data["files"]
        if isinstance(e, dict)
        and isinstance(e.get("url"), str)
        and e["url"]
        and urlsplit(urljoin(PAGE, e["url"])).scheme in ("http", "https")
    ]
    # Every usable entry becomes a file, once per URL (pip keeps one link per URL); every
    # other entry a note.
    distinct = {urldefrag(urljoin(PAGE, e["url"])) for e in usable}
    assert len(page.files) == len(distinct)
    skipped = [n for n in page.notes if n.endswith("skipped")]
    assert len(skipped) == len(data["files"]) - len(usable)
    for dist in page.files:
        assert dist.yanked is None or isinstance(dist.yanked, str)
        assert dist.size is None or type(dist.size) is int
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in dist.hashes)


def test_a_bare_data_yanked_follows_pip_and_says_what_the_pep_and_uv_do():
    page = parse_project_page(f'<a href="{WHEEL}" data-yanked>x</a>'.encode(), "text/html", PAGE)
    assert isinstance(page, ProjectPage)
    assert page.files[0].yanked is None
    assert any("PEP 592 and uv count it as yanked" in note for note in page.notes)


@pytest.mark.parametrize(
    ("href", "filename", "url"),
    [
        # pip's Link.filename ignores a trailing slash; pip requests "+" as %2B.
        ("demo-1.0.tar.gz/", "demo-1.0.tar.gz", f"{PAGE}demo-1.0.tar.gz/"),
        (
            "demo-1.0+cpu-py3-none-any.whl",
            "demo-1.0+cpu-py3-none-any.whl",
            f"{PAGE}demo-1.0%2Bcpu-py3-none-any.whl",
        ),
        (
            "demo-1.0%2Bcpu-py3-none-any.whl",
            "demo-1.0+cpu-py3-none-any.whl",
            f"{PAGE}demo-1.0%2Bcpu-py3-none-any.whl",
        ),
        # Leading blanks go (urljoin strips them); a trailing one stays, quoted, as in pip,
        # which then finds no archive extension it knows and skips the file.
        ("  demo-1.0.tar.gz ", "demo-1.0.tar.gz ", f"{PAGE}demo-1.0.tar.gz%20"),
    ],
)
def test_hrefs_are_read_and_quoted_as_pip_does(href, filename, url):
    dist = one_html_file(f'<a href="{href}">x</a>')
    assert (dist.filename, dist.url) == (filename, url)


@pytest.mark.parametrize(
    ("body", "content_type", "status", "reason"),
    [
        (
            b'<html><head><meta name="pypi:project-status" content="quarantined">'
            b'<meta name="pypi:project-status-reason" content="malware report"></head></html>',
            "text/html",
            "quarantined",
            "malware report",
        ),
        (
            b'<html><head><meta name="pypi:project-status" content="Archived"></head></html>',
            "text/html",
            "archived",
            None,
        ),
        (
            b'{"meta": {"api-version": "1.4"}, "name": "demo", "files": [],'
            b' "project-status": {"status": "deprecated", "reason": "use demo2"}}',
            "application/vnd.pypi.simple.v1+json",
            "deprecated",
            "use demo2",
        ),
        (b"<html><body></body></html>", "text/html", None, None),
    ],
)
def test_project_status_is_read_from_html_and_json(body, content_type, status, reason):
    page = parse_project_page(body, content_type, PAGE)
    assert isinstance(page, ProjectPage)
    assert (page.status, page.status_reason) == (status, reason)


def test_a_declared_charset_decodes_the_page():
    body = '<a href="démo-1.0.tar.gz">x</a>'.encode("latin-1")
    page = parse_project_page(body, "text/html", PAGE, "iso-8859-1")
    assert isinstance(page, ProjectPage)
    assert page.files[0].filename == "démo-1.0.tar.gz"
