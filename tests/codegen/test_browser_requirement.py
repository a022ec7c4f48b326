"""The browser tests are required: `make browser` and tests/e2e/ fail without Chromium, unless
SKIP_BROWSER=1 opts out, and then they skip."""

import os
import subprocess
from pathlib import Path

import pytest

from tests.support.browser import OPT_OUT, Decision, decide
from tools import paths


@pytest.fixture
def programs(tmp_path: Path) -> tuple[Path, Path]:
    chromium, chromedriver = tmp_path / "chromium", tmp_path / "chromedriver"
    chromium.write_text("")
    chromedriver.write_text("")
    return chromium, chromedriver


def test_both_programs_present_runs(programs: tuple[Path, Path]) -> None:
    assert decide({}, *programs) == Decision("run")


@pytest.mark.parametrize("environ", [{}, {OPT_OUT: ""}, {OPT_OUT: "0"}, {OPT_OUT: "yes"}], ids=repr)
def test_a_missing_program_fails_and_names_it_and_the_opt_out(
    programs: tuple[Path, Path], environ: dict[str, str]
) -> None:
    chromium, chromedriver = programs
    chromedriver.unlink()

    decision = decide(environ, chromium, chromedriver)

    assert decision.action == "fail"
    assert f"need {chromedriver}, which is missing" in decision.reason
    assert str(chromium) not in decision.reason
    assert "make browser" in decision.reason and "SKIP_BROWSER=1" in decision.reason


def test_both_missing_are_named(tmp_path: Path) -> None:
    decision = decide({}, tmp_path / "chromium", tmp_path / "chromedriver")

    assert decision.action == "fail"
    assert f"need {tmp_path / 'chromium'} and {tmp_path / 'chromedriver'}, which are missing" in decision.reason


@pytest.mark.parametrize("present", [True, False])
def test_the_opt_out_skips_and_says_so(tmp_path: Path, present: bool) -> None:
    chromium, chromedriver = tmp_path / "chromium", tmp_path / "chromedriver"
    if present:
        chromium.write_text("")
        chromedriver.write_text("")

    decision = decide({OPT_OUT: "1"}, chromium, chromedriver)

    assert decision.action == "skip"
    assert decision.reason.startswith("SKIP_BROWSER=1: the browser tests are skipped")


def _make_browser(**variables: str) -> subprocess.CompletedProcess[str]:
    env = {name: value for name, value in os.environ.items() if name not in ("SKIP_BROWSER", "MAKEFLAGS", "MAKELEVEL")}
    return subprocess.run(
        ["make", "-s", "browser", *(f"{name}={value}" for name, value in variables.items())],
        cwd=paths.REPO, env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


def test_make_browser_fails_when_the_installer_fails() -> None:
    result = _make_browser(INSTALL_BROWSER="false")

    assert result.returncode != 0
    assert "Chromium could not be installed" in result.stderr
    assert "SKIP_BROWSER=1" in result.stderr


def test_make_browser_with_the_opt_out_installs_nothing_and_succeeds() -> None:
    # The installer given would fail if it ran.
    result = _make_browser(INSTALL_BROWSER="false", SKIP_BROWSER="1")

    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "make browser: SKIP_BROWSER=1: not installing Chromium; the browser tests (tests/e2e/) will be skipped\n"
    )
