"""One streamed edit, from the first line of the answer to the last word the user reads.

While the model writes, the region shows the lines written so far followed by the original lines
the answer has not reached yet (``diff.preview``), updated line by line (never per token) and at
most every ``actions.throttleMs``. When the answer is complete, the region is reconciled with the
cleaned answer by a minimal diff. Each update goes through the ``RegionWriter``, which waits for
the editor to confirm it before the next one is computed.

Anything else that changes the document stops the stream at once: the session cancels its own
reader task, which hangs up the upstream request. The region is then put back to its original
text, or finished if the whole answer had already arrived; a keystroke inside the region is
carried over to the same line of the text put back. When the user typed on a line that exists
only in the new text, the region is left as it is (the keystroke is never thrown away) and
``vc.revert`` restores the original.
"""

from __future__ import annotations

import enum
import logging

from ..messages import reason
from . import clean, diff
from .catalog import fit
from .pacing import Pacer
from .plan import Plan
from .progress import Progress
from .reader import Reading
from .regions import lines_label
from .writer import RegionWriter, Status

log = logging.getLogger(__name__)
SETTLE_ATTEMPTS = 5


class Stop(enum.Enum):
    """Why the stream stopped before the answer was in."""

    TYPED, CANCELLED, FAILED, CLOSED = range(4)


class Outcome(enum.Enum):
    DONE = "done"  # the answer is in the document
    RESTORED = "restored"  # stopped, and the original text is back
    COMPLETED = "completed"  # a change elsewhere arrived after the whole answer: finished anyway
    PARTIAL = "partial"  # the user typed inside the new text: left as it is
    STUCK = "stuck"  # the original text could not be put back
    CLOSED = "closed"  # the document was closed


class EditSession:
    def __init__(self, writer: RegionWriter, plan: Plan, *, throttle_s: float,
                 progress: Progress | None = None) -> None:
        self.writer = writer
        self.plan = plan
        self.original = plan.original
        self.stop_reason: Stop | None = None
        self.error = ""
        self.edits = 0  # updates the editor confirmed while streaming
        self.lines = 0  # answer lines shown so far
        self._shape = plan.shape
        self._pacer = Pacer(throttle_s)
        self._progress = progress
        self.reading = Reading()  # the upstream reader, hung up when the session stops
        self._raw = ""
        self._offered = 0  # lines offered so far
        self._late_echo = False  # the editor applies edits but reports them late
        self._final: str | None = None
        self._sent_before_settle = 0
        self._shown_lines = ""  # the streamed lines behind the last preview

    # -- fed by the upstream reader --------------------------------------------------------

    def offer(self, raw: str) -> None:
        self._raw = raw
        self._offered += 1
        self._pacer.poke()

    def has_enough(self, raw: str) -> bool:
        """Whether the answer's code block has closed: the rest would be prose nobody sees."""
        return clean.closed(raw, self._shape.language)

    def finish(self, raw: str, *, truncated: bool = False) -> None:
        if truncated:
            self.fail("the answer hit actions.maxTokens")
            return
        final = clean.block(raw, self._shape)
        if not final.strip():
            self.fail("the model's answer held no code")
            return
        self._raw, self._final = raw, final
        self._pacer.poke()

    def fail(self, message: str) -> None:
        if self.stop_reason is None:
            self.error = message
        self._stop(Stop.FAILED)

    # -- stopped from outside --------------------------------------------------------------

    def cancel(self) -> None:
        self._stop(Stop.CANCELLED)

    def close(self) -> None:
        self._stop(Stop.CLOSED)
        self.writer.close()

    def typed(self) -> None:
        """Someone else changed the document: stop at once (the writer told them apart)."""
        self._stop(Stop.TYPED)

    def _stop(self, reason: Stop) -> None:
        if self.stop_reason is not None:
            return
        self.stop_reason = reason
        self.reading.hang_up()  # closes the upstream stream within this event-loop turn
        self._pacer.stop()

    # -- the stream ------------------------------------------------------------------------

    async def run(self) -> Outcome:
        try:
            if await self._stream():
                return Outcome.DONE
            return await self._settle()
        finally:
            self.writer.stop_recording()

    async def _stream(self) -> bool:
        """Show the answer as it arrives; True once the final text is confirmed."""
        while self.stop_reason is None:
            await self._pacer.wait()
            if self.stop_reason is not None:
                break
            if self._final is None and not await self._pacer.hold():
                break  # lines that arrive while it holds join this update
            if self._final is not None:
                status = await self.writer.write(self._final)
                if status in (Status.CONFIRMED, Status.APPLIED):
                    return True
                self._failed_write(status)
                break
            if self._late_echo:
                continue  # an editor that echoes late (a y/n per edit): only the final text
            offered = self._offered
            with self._pacer.working():  # the next update waits longer if this one was costly
                streamed = clean.streamed(self._raw, self._shape)
                preview = diff.preview(self.original, streamed)
            if streamed == self._shown_lines:
                continue  # no new complete line yet
            self._shown_lines = streamed
            status = await self.writer.write(preview)
            self._pacer.sent()
            if status is Status.APPLIED:
                self._late_echo = True  # fewer, larger updates: the next one is the final text
                status = Status.CONFIRMED
            if status is not Status.CONFIRMED:
                self._failed_write(status)
                break
            self.edits += 1
            self.lines = streamed.count("\n") - self._shape.prefix.count("\n")
            if self._progress is not None:
                self._progress.report(f"{self.lines} line{'s' if self.lines != 1 else ''}")
            if self._offered != offered or self._final is not None:
                self._pacer.poke()
        return False

    def _failed_write(self, status: Status) -> None:
        if status is Status.INTERRUPTED:
            self._stop(Stop.TYPED)
        elif status is Status.CLOSED:
            self._stop(Stop.CLOSED)
        elif status is Status.REFUSED:
            reason = f": {self.writer.refusal}" if self.writer.refusal else ""
            self.fail(f"the editor refused the edit{reason}")
        else:
            self.fail("the editor reported the edit as applied but the document did not change")

    async def _settle(self) -> Outcome:
        """Leave the region complete or restored, keeping whatever the user typed."""
        self._sent_before_settle = self.writer.sent
        if self.stop_reason is Stop.CLOSED or self.writer.closed:
            return Outcome.CLOSED
        finish = self.stop_reason is Stop.TYPED and self._final is not None
        goal = self._final if finish and self._final is not None else self.original
        for _ in range(SETTLE_ATTEMPTS):
            target = self._carried(goal)
            if target is None:
                return Outcome.PARTIAL  # typed on lines only the new text has
            status = await self.writer.write(target)
            if status in (Status.CONFIRMED, Status.APPLIED):
                return Outcome.COMPLETED if finish else Outcome.RESTORED
            if status is Status.CLOSED:
                return Outcome.CLOSED
            if status is not Status.INTERRUPTED:
                return Outcome.STUCK
        return Outcome.STUCK

    def _carried(self, goal: str) -> str | None:
        """``goal`` with every keystroke the writer saw inside the region carried onto it, in
        order: none is lost and none applied twice, however the client batched them."""
        text = goal
        for typed in self.writer.typed or ():
            carried = diff.carry(typed.before, text, typed.start, typed.end, typed.text)
            if carried is None:
                return None
            text = carried
        return text

    def summary(self, outcome: Outcome) -> str | None:
        """What to tell the user, in one line that fits an 80-column screen; ``None`` when the
        result speaks for itself."""
        first, last = self.writer.line_range()
        where = lines_label(first, last)
        name, what = self.plan.file_name, self.plan.title
        if outcome is Outcome.DONE and self._final == self.original:
            return fit("vc-lsp: '{what}' changed nothing in " + where + ".", what=what)
        if outcome is Outcome.DONE or outcome is Outcome.CLOSED:
            return None
        if outcome is Outcome.COMPLETED:
            return fit("vc-lsp: {name} changed; the edit of " + where
                       + " is complete (vc.revert undoes it).", name=name)
        if outcome is Outcome.PARTIAL:
            return f"vc-lsp: stopped as you typed (kept); vc.revert restores {where}."
        if outcome is Outcome.STUCK:
            return f"vc-lsp: stopped; could not restore {where}: vc.revert puts it back."
        nothing = self._sent_before_settle == 0
        if self.stop_reason is Stop.TYPED:
            return fit("vc-lsp: {name} changed, so the edit stopped; "
                       + ("nothing was written." if nothing else where + ": original text."),
                       name=name)
        if self.stop_reason is Stop.CANCELLED:
            return ("vc-lsp: cancelled; nothing was written." if nothing
                    else f"vc-lsp: cancelled; {where}: original text.")
        why = self.error or ""
        if nothing:
            return fit("vc-lsp: '{what}' failed: {why}; {name} unchanged.", what=what,
                       why=why, name=name, whole=reason(why))
        return fit("vc-lsp: '{what}' failed: {why}; " + where + " restored.", what=what,
                   why=why, whole=reason(why))


def sentence(text: str) -> str:
    """``text`` as a sentence: capitalised, with a full stop."""
    text = text.strip().removeprefix("vc-lsp: ")
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."

