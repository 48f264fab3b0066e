"""TTHC dossiers: import from the one-stop export, manual entry, pauses, hand-overs, explanations,
the overdue and near-due lists, and the lazy listing the GUI table pages through.

Conventions (DOMAIN.md §4, see ``domain.timers``):
- ``start_at`` = the calendar's next opening after reception; ``due_at`` = the export's appointment
  ("Hạn xử lý"/"Ngày hẹn trả", ``due_from_source``) or the procedure's limit in working days, moved later
  by every *finished* pause recorded here. An open pause (``paused_since``) stops the clock; its length
  is added when it ends. ``limit_days`` keeps the limit (for a source appointment: the working days
  from the start to it), so the due moment at any past moment can be rebuilt.
- Only ``closed_at`` completes a dossier; ``result_at`` alone keeps the clock running.
- Withdrawn dossiers (rút, trả lại, dừng xử lý) are kept and listed but left out of the statistics.

Modules: ``timing`` (start, limit, due; timers of stored dossiers), ``editing`` (manual entry),
``pauses``, ``handovers`` (and the control slip, the timeline), ``explanations``, ``due_lists`` (overdue
and near-due), ``recompute`` (after a calendar change), ``importing`` (the one-stop export) and
``listing`` (the dossier table's lazy listing).
"""
