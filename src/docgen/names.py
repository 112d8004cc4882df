"""Names as docgen writes them into file and folder names: safe on every system, bounded, and never two for one.

Below the stages: the render stage names its outputs with them (render/paths.py), and the check refuses a roster
whose departments would share a folder (E315) before anything is written."""

from __future__ import annotations

import hashlib
import re

_UNSAFE = re.compile(r'[\\/:*?"<>|\s\x00-\x1f\x7f]+')
#: Bytes one name may take in a file name. A file name holds at most two names plus ~60 bytes of fixed words
#: (「附件1-」, 「-2025年1-6月绩效监控汇总表.xlsx」, output.py's temporary suffix): 2 x 80 + 60 stays under the 255 bytes
#: Linux, macOS and Windows allow per component, whatever the name's length.
NAME_BYTES = 80
_MARK = "~"  # begins the hash suffix; a name that has it of its own is hashed too, so no name can pose as another's


def safe(name: str) -> str:
    """A file-name-safe form of a Chinese name (Windows forbids \\ / : * ? " < > |), unique and bounded.

    A name that is safe and short is kept as it is. Otherwise (characters replaced, or longer than NAME_BYTES)
    it is cut and given a suffix from a hash of the name as typed: 「a/b」 and 「a:b」 become 「a_b~…」 with two
    different suffixes, never the same file.
    """
    cleaned = _UNSAFE.sub("_", name).strip("_.")
    if cleaned == name and _MARK not in name and len(name.encode("utf-8", "surrogatepass")) <= NAME_BYTES:
        return name
    digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    head = cleaned.encode("utf-8")[: NAME_BYTES - len(digest) - 1].decode("utf-8", "ignore").rstrip("_.")
    return f"{head}{_MARK}{digest}"


def department_folder(code: str, name: str) -> str:
    """「101-朔州市教育局」: a department's folder in a period's outputs. Two departments can give the same one
    (code 「106」 named 「1-文化局」 and code 「106-1」 named 「文化局」): the roster check refuses that (E315)."""
    return f"{safe(code)}-{safe(name)}"
