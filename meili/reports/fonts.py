"""The CJK fonts reports need, found through fontconfig (``fc-list :lang=zh``).

PDF output embeds subsets of an installed CJK font (Debian: ``fonts-noto-cjk``); without
one it is refused (:func:`require_cjk`). The PNG figures of Word reports draw their text with
the font fontconfig matches for :data:`FAMILY`.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from functools import cache

from meili.errors import UserError

FAMILY = "Noto Sans CJK SC"
SERIF = "Noto Serif CJK SC"
DEBIAN_PACKAGE = "fonts-noto-cjk"
FontCheck = Callable[[], list[str]]


def _fc(*args: str) -> str:
    exe = shutil.which(args[0])
    if exe is None:
        return ""
    try:
        done = subprocess.run(
            [exe, *args[1:]], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return done.stdout if done.returncode == 0 else ""


@cache
def cjk_fonts() -> list[str]:
    """Files of the installed fonts covering Chinese (``fc-list :lang=zh file``)."""
    lines = _fc("fc-list", ":lang=zh", "file").splitlines()
    return sorted({line.split(":")[0].strip() for line in lines if line.strip()})


def require_cjk(check: FontCheck = cjk_fonts) -> list[str]:
    """The CJK font files, or a one-line :class:`UserError` naming the package to install."""
    found = check()
    if not found:
        raise UserError(
            "PDF reports need a Chinese (CJK) font and fontconfig finds none "
            f"(fc-list :lang=zh); install the Debian package {DEBIAN_PACKAGE}"
        )
    return found


@cache
def font_file(family: str = FAMILY) -> tuple[str, int] | None:
    """(file, face index) fontconfig matches for ``family`` when it covers Chinese."""
    out = _fc("fc-match", f"{family}:lang=zh", "--format=%{file}:%{index}").strip()
    if not out or out.split(":")[0] not in cjk_fonts():
        return None
    path, _, index = out.rpartition(":")
    return path, int(index or 0)
