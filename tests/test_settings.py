"""Settings resolution: one precedence rule, a remembered source for every value, no secrets."""

from __future__ import annotations

import os

import pytest

from asdiag.errors import EXIT_USAGE, UsageError
from asdiag.redact import Secret
from asdiag.settings import DEFAULT_TIMEOUT, Flags, Source, default_config_path, resolve_settings

ORG = "b5865a43-1f24-48df-b6f3-8c932c7aae29"
CATALOG = f"https://repository.activestate.com/{ORG}/pypi"
PASSWORD = "pw-Zq8-never-shown"

CONFIG = """
catalog_url = "https://top.example/org/pypi"
username = "top-user"
timeout = 5
ca_bundle = "/top/ca.pem"

[profiles.staging]
catalog_url = "https://staging.example/org/pypi"
timeout = 7.5
"""


@pytest.fixture
def config(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


def resolve(flags=None, **environ):
    return resolve_settings(flags or Flags(), environ)


def test_nothing_set_gives_defaults_and_unset():
    settings = resolve()
    assert settings.catalog_url.value is None
    assert settings.catalog_url.source is Source.UNSET
    assert (settings.timeout.value, settings.timeout.source) == (DEFAULT_TIMEOUT, Source.DEFAULT)
    assert settings.password.value is None
    assert settings.password_status == "not set"
    assert settings.shown_url == "(none)"
    assert settings.config_file is None


def test_config_top_level_applies_without_a_profile(config):
    settings = resolve(Flags(config=str(config)))
    assert settings.catalog_url.value == "https://top.example/org/pypi"
    assert settings.catalog_url.source is Source.CONFIG
    assert settings.catalog_url.origin == str(config)
    assert settings.timeout.value == 5.0
    assert settings.config_file == str(config)


def test_profile_beats_top_level_and_top_level_fills_the_gaps(config):
    settings = resolve(Flags(config=str(config), profile="staging"))
    assert settings.profile == "staging"
    assert settings.catalog_url.value == "https://staging.example/org/pypi"
    assert settings.catalog_url.origin == f"{config} [profiles.staging]"
    assert settings.timeout.value == 7.5
    assert (settings.username.value, settings.username.origin) == ("top-user", str(config))
    assert settings.ca_bundle.value == "/top/ca.pem"


def test_environment_beats_the_config_file(config):
    settings = resolve(
        Flags(config=str(config)),
        ASDIAG_PROFILE="staging",
        ASDIAG_CATALOG_URL="https://env.example/org/pypi",
        ASDIAG_TIMEOUT="3",
    )
    assert settings.profile == "staging"
    assert settings.catalog_url.value == "https://env.example/org/pypi"
    assert settings.catalog_url.source is Source.ENVIRONMENT
    assert settings.catalog_url.origin == "ASDIAG_CATALOG_URL"
    assert (settings.timeout.value, settings.timeout.origin) == (3.0, "ASDIAG_TIMEOUT")


def test_flags_beat_the_environment(config):
    flags = Flags(
        catalog_url="https://flag.example/org/pypi",
        username="flag-user",
        timeout=2.0,
        ca_bundle="/flag/ca.pem",
        profile="staging",
        config=str(config),
    )
    settings = resolve(
        flags,
        ASDIAG_CATALOG_URL="https://env.example/org/pypi",
        ASDIAG_USERNAME="env-user",
        ASDIAG_TIMEOUT="3",
        ASDIAG_CA_BUNDLE="/env/ca.pem",
    )
    got = {
        name: (setting.value, setting.source, setting.origin)
        for name, setting in [
            ("catalog_url", settings.catalog_url),
            ("username", settings.username),
            ("timeout", settings.timeout),
            ("ca_bundle", settings.ca_bundle),
        ]
    }
    assert got == {
        "catalog_url": ("https://flag.example/org/pypi", Source.FLAG, "--catalog-url"),
        "username": ("flag-user", Source.FLAG, "--username"),
        "timeout": (2.0, Source.FLAG, "--timeout"),
        "ca_bundle": ("/flag/ca.pem", Source.FLAG, "--ca-bundle"),
    }


def test_an_empty_environment_variable_does_not_count(config):
    settings = resolve(
        Flags(config=str(config)), ASDIAG_CATALOG_URL="", ASDIAG_PASSWORD="", ASDIAG_TIMEOUT=""
    )
    assert settings.catalog_url.source is Source.CONFIG
    assert settings.timeout.source is Source.CONFIG
    assert settings.password.value is None


def test_setting_describe_names_the_source_never_the_value():
    settings = resolve(ASDIAG_PASSWORD=PASSWORD)
    assert settings.password.describe() == "environment (ASDIAG_PASSWORD)"
    assert settings.password_status == "set, from environment (ASDIAG_PASSWORD)"
    assert settings.timeout.describe() == "default"


# --- username and password ------------------------------------------------------------------


def test_username_defaults_to_the_org_id_in_the_url():
    settings = resolve(ASDIAG_CATALOG_URL=CATALOG + "/simple/")
    assert settings.username.value == ORG
    assert settings.username.source is Source.DEFAULT
    assert settings.username.origin == "organisation id in the URL"


def test_no_username_default_without_an_org_shaped_path():
    settings = resolve(ASDIAG_CATALOG_URL="https://artifactory.example/api/pypi/catalog")
    assert settings.username.value is None
    assert settings.username.source is Source.UNSET


def test_url_userinfo_supplies_username_and_password():
    settings = resolve(
        ASDIAG_CATALOG_URL=f"https://reader:{PASSWORD}@repository.activestate.com/{ORG}/pypi"
    )
    assert (settings.username.value, settings.username.source) == ("reader", Source.URL)
    assert settings.password.value == Secret(PASSWORD)
    assert (settings.password.source, settings.password.origin) == (Source.URL, "userinfo")


def test_explicit_username_beats_url_userinfo():
    settings = resolve(
        ASDIAG_CATALOG_URL=f"https://reader@repository.activestate.com/{ORG}/pypi",
        ASDIAG_USERNAME="env-user",
    )
    assert settings.username.value == "env-user"


@pytest.mark.parametrize(
    ("flag_password", "environ", "expected", "source"),
    [
        (Secret("from-stdin"), {"ASDIAG_PASSWORD": "from-env"}, "from-stdin", Source.STDIN),
        (None, {"ASDIAG_PASSWORD": "from-env"}, "from-env", Source.ENVIRONMENT),
        (None, {}, "from-url", Source.URL),
    ],
)
def test_password_precedence(flag_password, environ, expected, source):
    url = f"https://{ORG}:from-url@repository.activestate.com/{ORG}/pypi"
    settings = resolve(Flags(catalog_url=url, password=flag_password), **environ)
    assert settings.password.value == Secret(expected)
    assert settings.password.source is source


def test_an_unparsable_url_still_resolves():
    settings = resolve(ASDIAG_CATALOG_URL="not a url")
    assert settings.catalog_url.value == "not a url"
    assert settings.username.value is None


# --- no secrets in what is shown ------------------------------------------------------------


@pytest.fixture
def settings_with_secrets():
    url = f"https://{ORG}:{PASSWORD}@repository.activestate.com/{ORG}/pypi"
    return resolve(Flags(catalog_url=url, password=Secret(PASSWORD)))


def test_to_dict_never_contains_the_password(settings_with_secrets):
    data = settings_with_secrets.to_dict()
    assert PASSWORD not in repr(data)
    assert data["password"] == {"set": True, "source": "stdin", "origin": "--password-stdin"}
    assert "****" in str(data["catalog_url"])
    assert PASSWORD not in settings_with_secrets.shown_url


def test_repr_of_the_password_setting_is_masked(settings_with_secrets):
    assert PASSWORD not in repr(settings_with_secrets.password)


def test_repr_never_contains_the_password(settings_with_secrets):
    assert PASSWORD not in repr(settings_with_secrets)


def test_repr_of_flags_never_contains_the_password():
    flags = Flags(catalog_url=f"https://{ORG}:{PASSWORD}@repository.activestate.com/{ORG}/pypi")
    assert PASSWORD not in repr(flags)


# --- timeout --------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["0", "-1", "abc", "nan", "inf"])
def test_a_bad_timeout_from_the_environment_is_a_usage_error(value):
    with pytest.raises(UsageError, match="ASDIAG_TIMEOUT"):
        resolve(ASDIAG_TIMEOUT=value)


@pytest.mark.parametrize("value", [0.0, -2.0])
def test_a_bad_timeout_flag_is_a_usage_error(value):
    with pytest.raises(UsageError, match="--timeout"):
        resolve(Flags(timeout=value))


# --- config file errors ---------------------------------------------------------------------


def write(tmp_path, text, name="config.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('password = "x"\n', "does not read passwords"),
        ('[profiles.p]\npassword = "x"\n', "does not read passwords"),
        ('colour = "red"\n', "unknown key 'colour'"),
        ('timeout = "soon"\n', "timeout must be a number"),
        ("timeout = true\n", "timeout must be a number"),
        ("catalog_url = 42\n", "catalog_url must be a string"),
        ('profiles = "p"\n', "'profiles' must be a table"),
        ("profiles = { p = 1 }\n", "[profiles.p] must be a table"),
        ("catalog_url = \n", "not valid TOML"),
        ("timeout = 0\n", "positive number"),
    ],
)
def test_config_problems_are_usage_errors(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(UsageError) as caught:
        resolve(Flags(config=str(path), profile="p" if "profiles" in text else None))
    assert message in str(caught.value)
    assert caught.value.exit_code == EXIT_USAGE == 2


def test_a_password_in_the_config_is_refused_without_echoing_it(tmp_path):
    path = write(tmp_path, f'password = "{PASSWORD}"\n')
    with pytest.raises(UsageError) as caught:
        resolve(Flags(config=str(path)))
    assert PASSWORD not in str(caught.value)


def test_unknown_profile_names_the_known_ones(config):
    with pytest.raises(UsageError, match=r"unknown profile 'prod'.*profiles: staging"):
        resolve(Flags(config=str(config), profile="prod"))


def test_a_profile_without_any_config_file_is_a_usage_error():
    with pytest.raises(UsageError, match="no config file"):
        resolve(Flags(profile="staging"))


def test_an_explicit_config_that_does_not_exist_is_a_usage_error(tmp_path):
    missing = tmp_path / "missing.toml"
    with pytest.raises(UsageError, match="does not exist"):
        resolve(Flags(config=str(missing)))
    with pytest.raises(UsageError, match="does not exist"):
        resolve(ASDIAG_CONFIG=str(missing))


@pytest.mark.parametrize("kind", ["directory", "not utf-8"])
def test_an_unreadable_config_is_a_usage_error(tmp_path, kind):
    path = tmp_path / "config.toml"
    if kind == "directory":
        path.mkdir()
    else:
        path.write_bytes(b'catalog_url = "\xff\xfe"\n')
    with pytest.raises(UsageError, match="cannot be read"):
        resolve(Flags(config=str(path)))


@pytest.mark.skipif(
    os.name != "posix" or os.geteuid() == 0, reason="needs POSIX permissions, not root"
)
def test_a_config_without_read_permission_is_a_usage_error(tmp_path):
    path = write(tmp_path, "timeout = 3\n")
    path.chmod(0)
    with pytest.raises(UsageError, match="cannot be read"):
        resolve(Flags(config=str(path)))


# --- where the config file is found ---------------------------------------------------------


def test_asdiag_config_moves_the_config_file(tmp_path):
    path = write(tmp_path, "timeout = 4\n", "elsewhere.toml")
    settings = resolve(ASDIAG_CONFIG=str(path))
    assert settings.timeout.value == 4.0
    assert settings.config_file == str(path)


def test_the_config_flag_beats_asdiag_config(tmp_path):
    by_flag = write(tmp_path, "timeout = 4\n", "flag.toml")
    by_env = write(tmp_path, "timeout = 6\n", "env.toml")
    settings = resolve(Flags(config=str(by_flag)), ASDIAG_CONFIG=str(by_env))
    assert settings.config_file == str(by_flag)
    assert settings.timeout.value == 4.0


def test_the_default_config_file_is_read_when_present(isolated_environment):
    path = default_config_path()
    # The autouse fixture points XDG_CONFIG_HOME into a temp HOME, never the real one.
    assert path.is_relative_to(isolated_environment)
    path.parent.mkdir(parents=True)
    path.write_text("timeout = 9\n", encoding="utf-8")
    settings = resolve()
    assert settings.timeout.value == 9.0
    assert settings.config_file == str(path)


def test_a_missing_default_config_file_is_fine():
    assert not default_config_path().exists()
    assert resolve().config_file is None


def test_a_config_integer_too_long_to_read_is_a_usage_error(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("timeout = " + "1" * 4301 + "\n", encoding="utf-8")
    with pytest.raises(UsageError, match="integer is too long to read"):
        resolve(Flags(config=str(path)))


@pytest.mark.parametrize("url", ["http://[::1", "https://u:pw@[::1/simple/"])
def test_a_manager_url_that_does_not_parse_still_resolves(tmp_path, url):
    # The manager check reports the URL; the settings must not crash on it.
    path = tmp_path / "config.toml"
    path.write_text(f"[[managers]]\nurl = {url!r}\n", encoding="utf-8")
    settings = resolve(Flags(config=str(path), manager_url=url))
    assert settings.manager_url.value == url
    assert settings.manager_password.value is None
    assert [m.url.value for m in settings.managers] == [url]
