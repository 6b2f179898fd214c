"""Print the seconds of every notebook of a build, slowest first, as a Markdown table, and
those of the runs on the fresh seed sets (for benchmarks/RESULTS.md):
``python scripts/page_times.py [book/generated/run-log.json]``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from hsr.book.pages import notebook_times
from hsr.book.seed_sets import seed_set_times


def main(argv: list[str]) -> int:
    path = Path(argv[0] if argv else "book/generated/run-log.json")
    if not path.is_file():
        print(f"page_times: no run log at {path} (run `make book` or `hsr run` first)")
        return 2
    log = json.loads(path.read_text(encoding="utf-8"))
    last = log.get("last_run", {})
    print(
        f"profile {last.get('profile', '?')}, {len(last.get('names', []))} notebooks, "
        f"{last.get('jobs', 1)} at a time, {last.get('total_seconds', '?')} s of wall time, "
        f"finished {last.get('finished', '?')}\n"
    )
    print("\n".join(notebook_times(log, by_time=True)))
    fresh = seed_set_times(log)
    if fresh:
        print("\n" + "\n".join(fresh))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
