"""What the notebooks' exercises share: self-checks that never raise, unique
names and "predict, then run" prompts. (Stepped hints are Markdown
`<details>` blocks in the notebook itself, one per step.)

A self-check must give the same verdict however often it runs and after a
kernel restart followed by "Run all". So a check builds the data it needs
itself, under names no earlier run used (`unique`), instead of relying on what
the notebook created, and `self_check` turns any error into a ❌ line that
shows the underlying message, so a broken answer is diagnosed, never a
traceback.
"""

from __future__ import annotations

import functools
import html
import itertools
import uuid
from typing import Any, Callable

from IPython.display import HTML

# One tag per kernel: names made in this kernel never meet those of an earlier
# kernel on a deployment whose data outlived it.
_KERNEL_TAG = uuid.uuid4().hex[:6]
_COUNTER = itertools.count(1)

FAIL = "❌"


def unique(prefix: str) -> str:
    """A name no other call made, e.g. a channel name: `shouting-3fa2c1-4`."""
    return f"{prefix}-{_KERNEL_TAG}-{next(_COUNTER)}"


def person(prefix: str) -> dict[str, str]:
    """Claims for a new person nobody signed in as before (a fresh `users` row)."""
    subject = unique(prefix)
    return {"subject": subject, "name": prefix.capitalize(), "email": f"{subject}@example.com"}


def error_message(error: BaseException) -> str:
    """The message a reader needs from an error: a ConvexError's code and message,
    the first line of any other error (e.g. "fn: Cannot use index …"), without its stack."""
    data = getattr(error, "data", None)
    if isinstance(data, dict) and "code" in data:
        return f"ConvexError {data['code']}: {data.get('message', '')}".rstrip(": ")
    message = str(error)
    first = message.strip().splitlines()[0] if message.strip() else type(error).__name__
    return f"{type(error).__name__}: {first}"


def self_check(check: Callable[[], str]) -> Callable[[], str]:
    """Runs `check` and prints its verdict line; an error becomes a ❌ line naming it.

    The check returns one line starting with ✅ or ❌. Used as a decorator, it runs
    the check at once, so a self-check cell is just the decorated function."""

    @functools.wraps(check)
    def run() -> str:
        try:
            verdict = check()
        except Exception as error:  # the reader's code may fail in any way: report it, never raise
            verdict = f"{FAIL} Not yet: the check stopped on an error: {error_message(error)}"
        print(verdict)
        return verdict

    run()
    return run


def predict(question: str, guess: Any, result: Any, *, correct: Callable[[Any], bool] | None = None,
            explanation: str = "") -> HTML:
    """A "predict, then run" prompt: the result stays folded until the reader opens it.

    `guess` is what the reader wrote down before running (None: not yet); when
    `correct` is given, the guess is marked right or wrong."""
    if guess is None:
        verdict = "Write your guess in the cell above first, then open the result."
    elif correct is None:
        verdict = f"Your guess: <code>{html.escape(repr(guess))}</code>"
    else:
        try:
            mark = "right" if correct(guess) else "not quite"
        except (TypeError, ValueError, AttributeError):  # a text where a number was asked, say: no traceback
            mark = "not the kind of answer this prompt asks for (see the cell above)"
        verdict = f"Your guess <code>{html.escape(repr(guess))}</code> is {mark}."
    detail = f"<p>{html.escape(explanation)}</p>" if explanation else ""
    # A table (a pandas DataFrame) keeps its own HTML rendering inside the fold.
    shown = result._repr_html_() if hasattr(result, "_repr_html_") else f"<pre>{html.escape(str(result))}</pre>"
    return HTML(f"<p><b>Predict:</b> {html.escape(question)}<br>{verdict}</p>"
                f"<details><summary>Show the result</summary>{shown}{detail}</details>")
