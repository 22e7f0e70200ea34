"""The entry points keep text in Python-backed ``str`` columns (kernel.frames.python_text_storage,
issue #9 item 10): the engines' speed rests on it, and importing tanzhi alone changes nothing."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd

from tanzhi.kernel import python_text_storage


def test_entry_points_set_python_storage_and_import_alone_does_not(tmp_path) -> None:
    # One fresh process (tanzhi.web takes seconds to import): after the imports, after
    # create_app, and after the CLI's main with the option put back.
    code = f"""
import pandas as pd
from tanzhi import cli
from tanzhi.config import Settings
from tanzhi.web import create_app
print("storage:", pd.get_option("mode.string_storage"))
create_app(Settings(data_dir={str(tmp_path)!r}))
print("storage:", pd.Series(["浙江"]).dtype.storage)
pd.set_option("mode.string_storage", "auto")
try:
    cli.main(["--help"])
except SystemExit:
    pass
print("storage:", pd.Series(["浙江"]).dtype.storage)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=300).stdout
    seen = [line.split()[1] for line in out.splitlines() if line.startswith("storage: ")]
    assert seen == ["auto", "python", "python"]


def test_same_dtype_and_values_under_either_storage() -> None:
    """Only the layout differs: dtype family, missing marker and every value are the same."""
    values = ["原煤", None, "1.A.1.a", ""]
    with pd.option_context("mode.string_storage", "pyarrow"):
        arrow = pd.Series(values)
    python_text_storage()
    plain = pd.Series(values)
    assert plain.dtype.storage == "python" and arrow.dtype.storage == "pyarrow"
    assert plain.dtype.na_value is arrow.dtype.na_value
    assert plain.isna().tolist() == arrow.isna().tolist() == [False, True, False, False]
    assert plain.dropna().tolist() == arrow.dropna().tolist()
    assert plain.isin({"原煤", ""}).tolist() == arrow.isin({"原煤", ""}).tolist()
