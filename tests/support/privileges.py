"""Running a command without the privileges that bypass file permissions.

Permission failures can only be tested by a process the permission bits apply to. As an ordinary user
every process is one; as root (CI containers, this project's `make test` under sudo) the command runs
under `setpriv` with CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH and CAP_FOWNER dropped, so root obeys the
owner bits of the files it owns, like medlegal's service user does.
"""

from __future__ import annotations

import os
import shutil
import sys

_DROPPED = "-dac_override,-dac_read_search,-fowner"


def unprivileged(argv: list[str]) -> list[str]:
    """`argv`, prefixed so that the permission bits apply to it (see the module docstring)."""
    if os.geteuid() != 0:
        return argv
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        raise RuntimeError("running as root without setpriv (util-linux): cannot drop CAP_DAC_OVERRIDE")
    return [setpriv, f"--inh-caps={_DROPPED}", f"--bounding-set={_DROPPED}", "--", *argv]


def python(code: str) -> list[str]:
    """This interpreter running `code`, unprivileged."""
    return unprivileged([sys.executable, "-c", code])
