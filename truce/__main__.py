"""Allow ``python -m truce`` as a synonym for the ``truce`` command."""

from truce.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
