"""``python -m tools.spec_diff``: what ``make spec-diff`` runs."""

import sys

from tools.spec_diff import spec_diff


def main() -> int:
    return spec_diff.main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
