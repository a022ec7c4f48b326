"""The repository's README.md: its quick start mints a token in a script of the reader's own, with the
package copied out of the checkout as `pip install` would place it; every ```python block is a complete
program that runs against the spec-driven mock; every ```py block is at least valid Python."""

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openai_realtime_client import ApiClient, RealtimeApi
from openai_realtime_client.models import RealtimeCreateClientSecretRequest

from tests.support.payloads import TEST_API_KEY
from tools import paths
from tools.servers.mock_server import MockServer

README = paths.REPO / "README.md"
# A fence, its language, its body and the "## " section it sits in (sections are found separately).
FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.DOTALL | re.MULTILINE)


def _blocks(language: str) -> list[tuple[str, str]]:
    """(section, code) of every block fenced as ``language``, in order."""
    text = README.read_text(encoding="utf-8")
    found = []
    for match in FENCE.finditer(text):
        if match.group(1) == language:
            headings = re.findall(r"^## (.+)$", text[: match.start()], re.MULTILINE)
            found.append((headings[-1] if headings else "", match.group(2)))
    return found


def _run(code: str, workdir: Path, site: Path, mock_server: MockServer) -> subprocess.CompletedProcess[str]:
    """The code as a script of its own in ``workdir``, the package importable only from ``site``."""
    workdir.mkdir(parents=True, exist_ok=True)
    script = workdir / "mint.py"
    script.write_text(code, encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if not key.startswith("OPENAI_")}
    env.update(
        PYTHONPATH=str(site),
        PYTHONDONTWRITEBYTECODE="1",
        OPENAI_BASE_URL=mock_server.url,
        OPENAI_API_KEY=TEST_API_KEY,
    )
    return subprocess.run(
        [sys.executable, str(script)], cwd=workdir, env=env, capture_output=True, text=True, timeout=60, check=False
    )


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """The package alone in a directory outside the checkout, where `pip install ./generated` puts it."""
    site = tmp_path / "site"
    shutil.copytree(paths.GENERATED / paths.PACKAGE_NAME, site / paths.PACKAGE_NAME)
    return site


def test_the_quick_start_mints_a_token_in_the_readers_own_script(
    mock_server: MockServer, site: Path, tmp_path: Path
) -> None:
    [(_, code)] = [block for block in _blocks("python") if block[0] == "Quick start"]
    assert len(code.splitlines()) <= 16, "the quick start is a short script"

    result = _run(code, tmp_path / "myservice", site, mock_server)

    assert result.returncode == 0, result.stderr
    [request] = mock_server.received
    assert (request.method, request.path, request.problems) == ("POST", "/v1/realtime/client_secrets", ())
    assert request.header("Authorization") == f"Bearer {TEST_API_KEY}"
    # The token the mock minted for that request, asked again: printed masked, never whole.
    with ApiClient(api_key=TEST_API_KEY, base_url=mock_server.url) as client:
        body = RealtimeCreateClientSecretRequest.from_dict(request.json())
        secret = RealtimeApi(client).create_realtime_client_secret(body)
    masked = f"{secret.value[:3]}...{secret.value[-4:]}"
    assert result.stdout == f"minted {masked}, valid until {secret.expires_at} (Unix time)\n"
    assert secret.value not in result.stdout + result.stderr
    assert TEST_API_KEY not in result.stdout + result.stderr


def test_the_quick_start_commands_install_or_vendor_the_package_the_script_imports() -> None:
    [(_, commands), *_] = [block for block in _blocks("sh") if block[0] == "Quick start"]
    assert "pip install ./generated" in commands
    assert f"cp -r generated/{paths.PACKAGE_NAME} " in commands
    text = README.read_text(encoding="utf-8")
    assert text.index("## Quick start") < text.index("pip install ./generated") < text.index("## Using the client")


@pytest.mark.parametrize("index", range(len(_blocks("python"))))
def test_every_python_block_runs_against_the_mock(
    index: int, mock_server: MockServer, site: Path, tmp_path: Path
) -> None:
    section, code = _blocks("python")[index]

    result = _run(code, tmp_path / "app", site, mock_server)

    assert result.returncode == 0, f"the python block {index} of '{section}' failed:\n{result.stderr}"
    for request in mock_server.received:
        assert request.problems == (), f"{section}: the mock refused a request: {request.problems}"
    assert TEST_API_KEY not in result.stdout + result.stderr


def test_every_py_fragment_is_valid_python() -> None:
    fragments = _blocks("py")
    assert fragments
    for section, code in fragments:
        ast.parse(code, filename=f"README.md, {section}")


def test_every_file_the_readme_links_or_names_is_in_the_checkout() -> None:
    """A clone has only the repository: nothing the README points at may live outside it."""
    text = README.read_text(encoding="utf-8")
    links = [link for link in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text) if "://" not in link]
    assert links
    for target in links:
        assert (paths.REPO / target).exists(), f"README.md links {target}, which the checkout does not have"
    assert "../" not in text, "README.md names a path outside the repository"


def test_every_anchor_the_readme_links_is_one_of_its_headings() -> None:
    text = README.read_text(encoding="utf-8")
    outside_code = FENCE.sub("", text)
    # GitHub's anchors: the heading's text lower-cased, without punctuation, spaces as hyphens.
    headings = re.findall(r"^#+ (.+)$", outside_code, re.MULTILINE)
    anchors = {re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-") for heading in headings}
    linked = re.findall(r"\]\(#([^)]+)\)", text)
    assert linked
    assert sorted(set(linked) - anchors) == []
