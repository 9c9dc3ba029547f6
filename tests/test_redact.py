"""The one redactor: secrets are masked by shape (URLs, headers, cookies) and by known value."""

from __future__ import annotations

import base64
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from asdiag.redact import MASK, Redactor, Secret, redact_url

PASSWORD = "hunter2-S3cret!"


# --- URL userinfo ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        # pip's convention: a username beside a password is kept, a lone token is masked.
        ("https://user:pw123@host/org/pypi", "https://user:****@host/org/pypi"),
        ("https://tok3n@host/simple/", "https://****@host/simple/"),
        ("https://tok3n:@host/simple/", "https://****:@host/simple/"),
        ("https://:pw123@host/", "https://:****@host/"),
        ("http://user:pw123@127.0.0.1:8080/", "http://user:****@127.0.0.1:8080/"),
        ("https://host/org/pypi", "https://host/org/pypi"),
    ],
)
def test_redact_url_masks_userinfo(url, expected):
    assert redact_url(url) == expected


def test_redact_url_masks_every_url_in_a_text():
    text = "tried https://a:one111@x.example/ then git+https://tok222@y.example/r.git"
    redacted = redact_url(text)
    assert "one111" not in redacted
    assert "tok222" not in redacted
    assert redacted == "tried https://a:****@x.example/ then git+https://****@y.example/r.git"


def test_redact_url_leaves_an_at_sign_in_the_path_alone():
    url = "https://host/org/pypi/simple/pkg@1.0"
    assert redact_url(url) == url


def test_redact_url_masks_a_password_containing_a_raw_at_sign():
    assert "ss-word" not in redact_url("https://user:p@ss-word@host/org/pypi")


@pytest.mark.parametrize(
    "query",
    [
        "?token=abc123",
        "?x=1&access_token=abc123",
        "?api_key=abc123",
        "?X=1&Password=abc123",
        # Presigned storage URLs (S3, GCS), where Artifactory Cloud redirects downloads.
        "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=abc123",
        "?X-Amz-Credential=abc123",
        "?a=1&X-Amz-Security-Token=abc123",
        "?X-Goog-Signature=abc123",
    ],
)
def test_redact_url_masks_secret_query_parameters(query):
    redacted = redact_url(f"https://host/simple/{query}")
    assert "abc123" not in redacted
    assert redacted.endswith("=" + MASK)


def test_redact_url_keeps_harmless_query_parameters():
    url = "https://host/simple/?page=2&tokens=3"
    assert redact_url(url) == url


# --- headers and cookies --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Authorization: Basic dXNlcjpwYXNz", "Authorization: Basic ****"),
        ("authorization: Bearer abc", "authorization: Bearer ****"),
        ("Proxy-Authorization: Basic Zm9vOmJhcg==", "Proxy-Authorization: Basic ****"),
        ('{"Authorization": "Bearer eyJhbGciOi.x.y"}', '{"Authorization": "Bearer ****"}'),
        ("headers={'authorization': 'Token s3cr3t'}", "headers={'authorization': 'Token ****'}"),
    ],
)
def test_authorization_headers_are_masked(text, expected):
    assert Redactor().text(text) == expected


@pytest.mark.parametrize("scheme", ["Basic", "Bearer", "Token"])
def test_a_credential_after_its_scheme_word_is_masked_anywhere(scheme):
    redacted = Redactor().text(f"sent {scheme} Zm9vOmJhcjEyMw== to the server")
    assert redacted == f"sent {scheme} **** to the server"


def test_an_auth_challenge_is_not_mistaken_for_a_credential():
    challenge = 'WWW-Authenticate: Basic realm="pypi", charset="UTF-8"'
    assert Redactor().text(challenge) == challenge


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Cookie: session=abc; csrf=def", "Cookie: ****"),
        ("Set-Cookie: sid=xyz; Path=/; HttpOnly", "Set-Cookie: ****"),
        ('{"cookie": "sid=xyz"}', '{"cookie": "****"}'),
    ],
)
def test_cookies_are_masked(text, expected):
    assert Redactor().text(text) == expected


def test_a_cookie_mask_stops_at_the_end_of_its_line():
    dump = "Cookie: sid=xyz\nHost: repository.activestate.com\n"
    assert Redactor().text(dump) == "Cookie: ****\nHost: repository.activestate.com\n"


def test_text_also_redacts_urls():
    assert Redactor().text("GET https://org:pw9999@h/x") == "GET https://org:****@h/x"


# --- known values ---------------------------------------------------------------------------


def test_a_known_secret_is_masked_anywhere_in_text():
    redactor = Redactor([PASSWORD])
    text = f"the server said: wrong password {PASSWORD} (again: {PASSWORD})"
    assert redactor.text(text) == "the server said: wrong password **** (again: ****)"


@pytest.mark.parametrize(
    "encoded", [quote(PASSWORD, safe=""), quote(PASSWORD), quote("p@ss/w0rd", safe="")]
)
def test_a_known_secret_is_masked_when_percent_encoded(encoded):
    redactor = Redactor([PASSWORD, "p@ss/w0rd"])
    assert encoded not in redactor.text(f"https://host/x?q={encoded}&y=1")


def test_a_known_secret_is_masked_in_its_basic_header_form_when_the_username_is_known():
    encoded = base64.b64encode(f"org-id:{PASSWORD}".encode()).decode()
    redactor = Redactor()
    redactor.add(PASSWORD, username="org-id")
    # Bare, as it would appear in a dumped header dict without the scheme word.
    assert redactor.text(f"value={encoded}") == f"value={MASK}"


def test_a_secret_containing_another_is_masked_whole():
    redactor = Redactor(["abcdef", "abcdefghij"])
    assert redactor.text("x abcdefghij y") == "x **** y"


def test_add_keeps_earlier_secrets():
    redactor = Redactor(["first-secret"])
    redactor.add("second-secret")
    assert redactor.text("first-secret second-secret") == "**** ****"


def test_very_short_secrets_are_not_masked_by_value_but_still_by_shape():
    redactor = Redactor(["ab"])
    assert redactor.text("a cab") == "a cab"
    assert redactor.text("https://u:ab@h/") == "https://u:****@h/"


def test_redactor_repr_shows_no_secret():
    redactor = Redactor([PASSWORD])
    assert PASSWORD not in repr(redactor)
    assert quote(PASSWORD, safe="") not in repr(redactor)


@settings(max_examples=150, database=None, deadline=None)
@given(
    # "*" is left out because the mask is made of it; a test below covers it.
    password=st.text(
        st.characters(min_codepoint=0x20, max_codepoint=0x7E, exclude_characters="*"), min_size=8
    ),
    before=st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E)),
    after=st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E)),
)
def test_property_a_known_password_never_survives_redaction(password, before, after):
    redacted = Redactor([password]).text(before + password + after)
    assert password not in redacted


def test_a_password_starting_with_the_mask_character_cannot_be_re_formed():
    password = "*abcdefg"
    assert password not in Redactor([password]).text(password + "abcdefg")


# --- Secret ---------------------------------------------------------------------------------


def test_secret_never_shows_its_value():
    secret = Secret(PASSWORD)
    shown = [
        repr(secret),
        str(secret),
        f"{secret}",
        f"{secret!r}",
        repr([secret]),
        repr({1: secret}),
    ]
    assert all(PASSWORD not in text for text in shown)
    assert str(secret) == MASK


def test_secret_reveals_its_value_on_request():
    assert Secret(PASSWORD).reveal() == PASSWORD


def test_secret_equality_and_truth():
    assert Secret("a-value") == Secret("a-value")
    assert Secret("a-value") != Secret("b-value")
    assert Secret("a-value") != "a-value"
    assert len({Secret("a-value"), Secret("a-value")}) == 1
    assert not Secret("")
    assert Secret("x")


def test_a_named_value_is_shown_by_its_name_in_outside_text_and_urls():
    redactor = Redactor()
    redactor.add_named("ghp_x7Qm2LrT9vWc4Zp8Kd1Ns6Hb", "${GH_TOKEN}")
    assert redactor.text("line: --index-url https://h/ghp_x7Qm2LrT9vWc4Zp8Kd1Ns6Hb/simple") == (
        "line: --index-url https://h/${GH_TOKEN}/simple"
    )
    assert redactor.url("https://h/ghp_x7Qm2LrT9vWc4Zp8Kd1Ns6Hb/s") == "https://h/${GH_TOKEN}/s"
    assert redactor.output("token ghp_x7Qm2LrT9vWc4Zp8Kd1Ns6Hb") == "token ${GH_TOKEN}"


@pytest.mark.parametrize("value", ["dev", "3.11", "b5865a43-1f24-48df-b6f3-8c932c7aae29"])
def test_a_named_value_that_prose_can_hold_never_rewrites_asdiags_sentences(value):
    redactor = Redactor()
    redactor.add_named(value, "${VAR}")
    sentence = f"The username is not the organisation id {value} on Python 3.11 in dev."
    assert redactor.output(sentence) == sentence
    assert redactor.text(f"config: {value}") == "config: ${VAR}"


@pytest.mark.parametrize("password", ["wrong", "password", "admin", "index"])
def test_an_ordinary_word_password_never_rewrites_prose_but_never_shows_in_a_url(password):
    redactor = Redactor()
    redactor.add(password, username="org")
    sentence = "The password is wrong; see the admin index for the password."
    assert redactor.output(sentence) == sentence
    assert redactor.url(f"https://org:{password}@h/simple/") == "https://org:****@h/simple/"
    assert password not in redactor.text(f"body: invalid {password}")


def test_basic_authentication_is_prose_not_a_credential():
    assert Redactor().output("HTTP Basic authentication failed") == (
        "HTTP Basic authentication failed"
    )
    assert Redactor().output("Authorization: Basic dXNlcjpwYXNz") == "Authorization: Basic ****"
    assert Redactor().output("sent Basic dXNlcjpwYXNzd29yZA==") == "sent Basic ****"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (
            "https://ghp_abcdefghijklmnop12345:x-oauth-basic@github.com/x",
            "https://****:****@github.com/x",
        ),
        ("https://x-access-token:s3cr3t@github.com/x", "https://x-access-token:****@github.com/x"),
        ("https://TOKEN@h/x", "https://****@h/x"),
        ("https://tok:@h/x", "https://****:@h/x"),
        ("https://org:pw@h/x", "https://org:****@h/x"),
        (
            "https://b5865a43-1f24-48df-b6f3-8c932c7aae29:pw@h/x",
            "https://b5865a43-1f24-48df-b6f3-8c932c7aae29:****@h/x",
        ),
        ("https://${GH_TOKEN}:x-oauth-basic@h/x", "https://${GH_TOKEN}:****@h/x"),
    ],
)
def test_a_token_in_the_user_part_is_masked(url, shown):
    assert Redactor().url(url) == shown
