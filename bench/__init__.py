"""The benchmark behind ``make bench``: see ``bench/__main__.py``."""
