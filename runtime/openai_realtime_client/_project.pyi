# Rendered from templates/stage2/PACKAGE/_project.py.jinja (generator-config.yaml decides the
# values); this stub lets mypy check runtime/ against it without regenerating.
PROJECT_NAME: str
VERSION: str
