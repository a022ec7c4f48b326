"""Whether the browser tests (tests/e2e/) run, skip or fail.

They are required: without Chromium they fail, so a run that could not install it cannot pass.
A developer without Chromium opts out with SKIP_BROWSER=1, and then they skip, saying so.
"""

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
OPT_OUT = "SKIP_BROWSER"


@dataclass(frozen=True)
class Decision:
    action: Literal["run", "skip", "fail"]
    reason: str = ""


def decide(
    environ: Mapping[str, str] = os.environ, chromium: Path = CHROMIUM, chromedriver: Path = CHROMEDRIVER
) -> Decision:
    """Run when both programs are there; skip only on the explicit opt-out; otherwise fail."""
    if environ.get(OPT_OUT) == "1":
        return Decision("skip", f"{OPT_OUT}=1: the browser tests are skipped (unset it to run them)")
    missing = [str(path) for path in (chromium, chromedriver) if not path.is_file()]
    if not missing:
        return Decision("run")
    return Decision(
        "fail",
        f"the browser tests need {' and '.join(missing)}, which {'is' if len(missing) == 1 else 'are'} missing:"
        f" install Chromium with `make browser` (tools/install_browser.sh), or opt out with {OPT_OUT}=1",
    )
