"""``python -m tools.servers``: what ``make mock`` runs."""

import sys

from tools.servers import mock_server


def main() -> int:
    return mock_server.main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
