"""The PAR INDEX (Chỉ số cải cách hành chính) side of PAR Desktop: lost point → remedial task →
evidence → score, per unit, all year (DOMAIN.md §9; design notes in docs/par-index.md).

- ``criteria``: criteria sets per year (import, a new year from last year's, changes, editing,
  responsibilities and links);
- ``metrics``: the automatic metrics computed in SQL;
- ``scoring``: the self-assessment workflow, appraisal, and the score tree with what is held, at risk
  and lost;
- ``evidence``: evidence files stored in the database, register documents, external documents, and
  the evidence pack;
- ``outputs``: the self-assessment table (.xlsx) and the data of the two documents.
"""
