"""``python -m tools.codegen generate|check``: what ``make generate`` and ``make check-generated`` run."""

import sys
from collections.abc import Callable

from tools.codegen import check_generated, generate

COMMANDS: dict[str, Callable[[list[str] | None], int]] = {"generate": generate.main, "check": check_generated.main}


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print(f"usage: python -m tools.codegen {{{','.join(COMMANDS)}}} [--help]", file=sys.stderr)
        return 2
    return COMMANDS[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
