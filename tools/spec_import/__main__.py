"""``python -m tools.spec_import SOURCE``: what ``make import-spec`` runs."""

import sys

from tools.spec_import import import_spec


def main() -> int:
    return import_spec.main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
