"""The process control slip (Phiếu kiểm soát quá trình giải quyết hồ sơ): its rows and the judgement of
each step (DOMAIN.md §2 item 3, §7 item 6).

The slip follows the dossier from the one-stop desk and back: receipt at the desk → the processing unit
→ each hand-over between units → the result back to the desk → the return to the applicant. Each row is
one hand-over ("Giao: …, Nhận: …") and is judged by how the *giving* side did in the time it held the
dossier:
- a step with its own budget (the procedure's internal steps, or a deadline recorded with the
  hand-over): its due moment is the budget in working days counted from when that side received the
  dossier — so a unit is never charged for the time the step before it used — and the hand-over is
  early, on time or late against it;
- the last row (the return to the applicant) is judged against the dossier's due moment;
- a row with no budget of its own is not judged (a 20-minute hand-over is never "late" because the
  whole dossier is);
- while the dossier is open, the side holding it now is judged at ``now``: within time, or late by
  so many working days — and so is the return row against the dossier's due moment, so an open
  dossier shows how late it is now, not only "Đang xử lý".
Pure rules: the service gathers the hand-overs and budgets, the document builder lays the form out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from par_desktop.domain.calendar import WorkCalendar
from par_desktop.domain.timers import finished_state

RESULT_LABELS = {"early": "Trước hạn", "on_time": "Đúng hạn", "late": "Quá hạn", "overdue": "Quá hạn",
                 "in_time": "Đang xử lý, trong hạn"}


@dataclass(frozen=True)
class Transfer:
    """One hand-over as recorded: who gave the dossier to whom and when (None: not yet)."""

    giver: str
    receiver: str
    at: datetime | None
    received_at: datetime | None = None      # when the receiver signed for it (else ``at``)
    step_name: str = ""                      # the giving side's step ("Thẩm định hồ sơ")
    budget_days: float | None = None         # the giving side's own budget in working days
    due_at: datetime | None = None           # a deadline recorded with the hand-over (wins over the budget)
    giver_name: str = ""
    receiver_name: str = ""
    note: str = ""
    final: bool = False                      # the return to the applicant: judged against the dossier's due


@dataclass(frozen=True)
class SlipLine:
    position: int
    transfer: Transfer
    held_from: datetime | None     # when the giving side got the dossier
    due_at: datetime | None        # the giving side's own due moment (the dossier's for the last row)
    result: str | None             # early | on_time | late | overdue | in_time | None (not judged)
    days_late: int                 # working days late (at the hand-over, or now while it is held)

    @property
    def label(self) -> str:
        if self.result is None:
            return ""
        text = RESULT_LABELS[self.result]
        if self.result in ("late", "overdue"):
            text += f" {self.days_late} ngày làm việc"
        if self.result == "overdue":
            text += " (đang xử lý)"
        return text

    @property
    def late(self) -> bool:
        return self.result in ("late", "overdue")


def judge(transfers: Sequence[Transfer], *, received_at: datetime, dossier_due: datetime, now: datetime,
          calendar: WorkCalendar) -> list[SlipLine]:
    """The slip's rows with their judgement (see the module docstring). ``received_at`` is when the
    desk received the dossier; ``now`` judges the side holding an open dossier."""
    lines: list[SlipLine] = []
    held_from: datetime | None = received_at
    for position, t in enumerate(transfers, start=1):
        if t.final:
            due = dossier_due
        elif t.due_at is not None:
            due = t.due_at
        elif t.budget_days is not None and held_from is not None:
            due = calendar.due(calendar.next_opening(held_from), t.budget_days)
        else:
            due = None
        result, days = None, 0
        if due is not None and (held_from is not None or t.final):
            if t.at is not None:
                result = finished_state(due, t.at)
                days = calendar.working_days_late(due, t.at) if result == "late" else 0
            elif t.final or (held_from is not None and held_from <= now):
                if now > due:
                    result, days = "overdue", calendar.working_days_late(due, now)
                else:
                    result = "in_time"
        lines.append(SlipLine(position, t, held_from, due, result, days))
        held_from = (t.received_at or t.at) if t.at is not None else None
    return lines


def late_sides(lines: Sequence[SlipLine]) -> list[str]:
    """The sides (units, the desk) whose own step made the dossier late, in order."""
    return list(dict.fromkeys(line.transfer.giver for line in lines if line.late and not line.transfer.final))
