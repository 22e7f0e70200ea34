"""Refusal time and peak memory for hostile spreadsheets (issue #8, finding 3).

Each file is read by `tanzhi.kernel.sheets.read_grid` in a fresh child process (so peak RSS is
the file's own), and the baseline is the same child importing the reader and reading a valid
2,000-row workbook.  Run: ``uv run python bench/bench_files.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.kernel.malformed import corpus, xlsx, zip_bomb  # noqa: E402

CHILD = """
import json, resource, sys, time
from tanzhi.kernel.errors import DataError
from tanzhi.kernel.sheets import read_grid
data = open(sys.argv[1], "rb").read()
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t = time.perf_counter()
try:
    read_grid(data, filename=sys.argv[2]); outcome = "read"
except DataError as exc:
    outcome = exc.problems[0].message_en[:70]
print(json.dumps({"s": time.perf_counter() - t, "peak_mb": resource.getrusage(
    resource.RUSAGE_SELF).ru_maxrss / 1024, "extra_mb": (resource.getrusage(
    resource.RUSAGE_SELF).ru_maxrss - base) / 1024, "outcome": outcome}))
"""

FAR = '<row r="1048576"><c r="{}1048576"><v>1</v></c></row>'


def main() -> None:
    header = ["region_code", "year", "value"]
    files = {
        "valid 2,000 rows (baseline)": xlsx(rows=[header] + [["330100", 2022, i]
                                                              for i in range(2000)]),
        "XFD1048576 cell": xlsx(rows=[header], extra_cells=FAR.format("XFD")),
        "T1048576 cell": xlsx(rows=[header], extra_cells=FAR.format("T")),
        "declared A1:XFD1048576": xlsx(rows=[header], dimension="A1:XFD1048576"),
        "zip bomb 1 GB": zip_bomb(1024),
        "zip bomb 400 MB, header says 1 KB": zip_bomb(400, lie=True),
        "zip bomb 150 MB (under the total cap)": zip_bomb(150),
    }
    with tempfile.TemporaryDirectory() as tmp:
        for label, data in files.items():
            path = Path(tmp) / "f.xlsx"
            path.write_bytes(data)
            done = subprocess.run([sys.executable, "-c", CHILD, str(path), "f.xlsx"],
                                  capture_output=True, text=True, check=True)
            r = json.loads(done.stdout.strip().splitlines()[-1])
            print(f"{label:38s} {len(data) / 1024:9.1f} KB  {r['s'] * 1000:8.1f} ms  "
                  f"peak {r['peak_mb']:6.1f} MB (+{r['extra_mb']:5.1f})  {r['outcome']}")
    n = len(corpus(header, ["330100", 2022, 1], numeric=(2,)))
    print(f"malformed corpus: {n} files for this 3-column layout")


if __name__ == "__main__":
    main()
