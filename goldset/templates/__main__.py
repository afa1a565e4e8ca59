"""`python -m goldset.templates [--write-hash]`: print (or record) the test pool's hash."""

from __future__ import annotations

import sys
from pathlib import Path

from goldset.templates import test_templates_hash

HASH_FILE = Path(__file__).resolve().parent.parent / "TEST_TEMPLATES.sha256"


def main(argv: list[str]) -> int:
    digest = test_templates_hash()
    if "--write-hash" in argv:
        HASH_FILE.write_text(digest + "\n", encoding="utf-8")
    print(digest)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
