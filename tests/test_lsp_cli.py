"""`stepflow-lint server` without the `lsp` extra says how to get it instead of a traceback."""

from __future__ import annotations

import subprocess
import sys


def test_server_without_the_lsp_extra_says_how_to_install_it():
    # `None` in sys.modules makes `import pygls` fail as if it were not installed.
    code = "import sys; sys.modules['pygls'] = None; from stepflow_lint.cli import main; main(['server'])"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "pip install 'stepflow-lint[lsp]'" in result.stderr
    assert "Traceback" not in result.stderr
