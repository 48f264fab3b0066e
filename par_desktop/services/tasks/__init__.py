"""Plan tasks: importing a plan's appendix, obligations from its text, progress, statuses and views.

Statuses (``status``, English keys; Vietnamese labels in ``STATUS_LABELS``):

- ``done_on_time`` / ``done_late``: completed (``completed_on``) on or before / after the due date;
- ``overdue``: not completed and the due date has passed;
- ``at_risk``: not completed, due within ``tasks.at_risk_days`` days and progress below
  ``tasks.at_risk_min_percent`` % (có nguy cơ chậm) — a status of its own, because it is what the
  Office must act on before the task turns overdue;
- ``in_progress``: some progress reported; ``not_started``: nothing reported yet.

Statuses are computed for a day (``today``, default the real one) from what was known on that day:
progress reported later and completions after it do not count, so a monthly report of July reads the
tasks as they stood at the end of July.

A task owed period by period (recurring: Hằng tháng, Thường xuyên …) or by every unit ("Các phòng, đơn
vị" as lead: ``per_unit``) is followed through its occurrences (``TaskOccurrence``: one per period, and
per unit for ``per_unit`` tasks), each with its own due date and status. Such a task's status is the
worst among the occurrences whose period has begun (overdue, then at risk), "done" only when every
occurrence is done, else in progress / not started. Seen from one unit (``TaskFilters.unit_id``) a
``per_unit`` task has that unit's own status.

Refs: appendix tasks keep the plan's "III.B.1"; obligations from the plan's text are "TX.1" … (thường
xuyên); tasks added by hand get "NV.1" … unless the clerk gives a ref. Lists show appendix tasks first in
plan order, then hand-made ones, then obligations.

Import (``import_plan``) runs in one write transaction: either the whole file is taken or nothing. Tasks
are matched by plan year + ref, so importing the same file again changes nothing (no update, no audit
row). ``imported N tasks`` reports N = the number of tasks in the file, new or not.

Modules: ``status`` (the statuses), ``views`` (what pages, documents and the command line read),
``plan_import`` (reading and importing a plan file), ``obligations`` (TX.1 …), ``editing`` (by hand),
``progress`` (units' reports), ``occurrences`` and ``links`` (rows derived from a task: its periods and
its units).
"""
