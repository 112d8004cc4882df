"""The monitoring rules' logic: one function per rule, in the module of its category, registered by code.

- `execution.py`  及时性: budget execution against 序时进度 (W401–W405)
- `compliance.py` 合规性 within a submission: over budget, over allocation (W411, W412)
- `roster.py`     合规性 across submissions: the roster's flags (W413), a department against its projects (W414)
- `indicators.py` 有效性: the performance indicators (W421–W430)
- `notes.py`      提示: the 科研类 exemption (I401)

Each rule's code, category, texts, placeholders and default thresholds are declared once in the rulebook
(check/rulebook.py; below evaluate/, because the rules file is checked at check time); each function here says
which declaration it implements with `@implements("W401")` (run.py). `tests/check/test_rulebook.py` checks that
the two match one to one. The engine that runs them is monitor.py.
"""

from __future__ import annotations

from ..run import IMPLEMENTATIONS, Implementation
from . import compliance, execution, indicators, notes, roster

__all__ = ["IMPLEMENTATIONS", "MODULES", "Implementation"]

MODULES = (execution, compliance, roster, indicators, notes)
