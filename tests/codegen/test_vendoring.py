"""The package copied under another parent package, with only its runtime dependencies, still works."""

import importlib.util
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.support.payloads import TEST_API_KEY
from tools import paths
from tools.servers.mock_server import MockServer

# Import name -> what the generated pyproject.toml declares it as (attr and attrs ship together).
RUNTIME_IMPORTS = ("urllib3", "attr", "attrs", "dateutil", "tzdata")


def _install_runtime_only(site: Path) -> None:
    """Link the runtime dependencies, and nothing else, into a directory used as site-packages."""
    site.mkdir()
    for name in RUNTIME_IMPORTS:
        spec = importlib.util.find_spec(name)
        assert spec is not None and spec.submodule_search_locations, name
        (site / name).symlink_to(Path(next(iter(spec.submodule_search_locations))))


def test_vendored_copy_imports_and_mints_a_session_with_runtime_dependencies_only(tmp_path: Path) -> None:
    app = tmp_path / "app"
    vendor = app / "myservice" / "_vendor"
    vendor.mkdir(parents=True)
    (app / "myservice" / "__init__.py").write_text("")
    (vendor / "__init__.py").write_text("")
    shutil.copytree(paths.GENERATED / paths.PACKAGE_NAME, vendor / paths.PACKAGE_NAME)
    site = tmp_path / "site"
    _install_runtime_only(site)
    script = textwrap.dedent(
        f"""
        import sys
        sys.path[:0] = [{str(app)!r}, {str(site)!r}]
        for absent in ("httpx", "openapi_core", "{paths.PACKAGE_NAME}"):
            try:
                __import__(absent)
            except ImportError:
                pass
            else:
                raise SystemExit(f"{{absent}} should not be importable here")
        from myservice._vendor.{paths.PACKAGE_NAME} import ApiClient, RealtimeApi
        from myservice._vendor.{paths.PACKAGE_NAME}.models import RealtimeSessionCreateRequest
        with ApiClient(api_key={TEST_API_KEY!r}, base_url=sys.argv[1]) as client:
            session = RealtimeApi(client).create_realtime_session(RealtimeSessionCreateRequest(model="gpt-realtime"))
        print(type(session).__module__, session.client_secret.expires_at)
        """
    )

    with MockServer() as server:
        # -S: no site-packages at all, so only what the script puts on sys.path can be imported.
        result = subprocess.run(
            [sys.executable, "-S", "-c", script, server.url],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
        received = server.received

    assert result.returncode == 0, result.stderr
    module, expires_at = result.stdout.split()
    assert module == f"myservice._vendor.{paths.PACKAGE_NAME}.models.realtime_session_create_response"
    assert int(expires_at) > 0
    assert len(received) == 1 and received[0].problems == ()
