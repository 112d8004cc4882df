"""The drafted sentences in the words of the submission's form (forms.Wording), for draft.py and conclusions.py.

A draft is built of many small templates (messages.DRAFT_NARRATIVE, DRAFT_ANALYSIS); each is put in the form's words
(执行率 where the form says so, 全年预算数 for 安排数…) before its values are filled in, so a clerk's own text is never
rewritten. `worded(form)` sets the words for the drafting it encloses; outside it the sentences are 朔州's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from .. import messages as M
from ..form.forms import Form


def _same(text: str) -> str:
    return text


_WORDS: ContextVar[Callable[[str], str]] = ContextVar("docgen_words", default=_same)


@contextmanager
def worded(form: Form) -> Iterator[None]:
    """Draft in `form`'s words until the block ends."""
    token = _WORDS.set(form.words)
    try:
        yield
    finally:
        _WORDS.reset(token)


def words(text: str) -> str:
    """A template (or one of docgen's labels: 全年预计支出数, a rule's name) in the words being drafted in."""
    return _WORDS.get()(text)


def draft(key: str, /, **args: Any) -> str:
    """messages.draft in the form's words."""
    return words(M.DRAFT_NARRATIVE[key]).format(**args)


class Worded(Mapping[str, str]):
    """A mapping of templates read in the form's words (conclusions.py's `D["…"]`)."""

    def __init__(self, templates: Mapping[str, str]) -> None:
        self._templates = templates

    def __getitem__(self, key: str) -> str:
        return words(self._templates[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self._templates)

    def __len__(self) -> int:
        return len(self._templates)
