"""Compile the text core's hot modules (``make`` runs this before run, test and bench).

Without a C compiler the pipeline still runs, from source and about a third slower; this says so and
succeeds, so that a machine without one can still build and query the warehouse.
"""
from __future__ import annotations

import sys

from .core import compiled


def main() -> int:
    try:
        built = compiled.build()
    except Exception as exc:  # noqa: BLE001 - no compiler or no Cython: the source runs, only slower
        print(f"could not compile the text core ({exc!r}); it runs from source, about a third slower",
              file=sys.stderr)
        return 0
    print(f"compiled {len(built)} text-core modules: {', '.join(built)}" if built
          else f"text core: {len(compiled.built())} of {len(compiled.MODULES)} modules compiled, up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
