"""The programme's workflow (issue 17): accounts and zone-scoped permissions, implementation
plans and self-assessments with tiered review, evidence and sign-off, data submission,
the task and project ledger, and the audit chain.

Layers: the workflow reads and writes the relational store (``meili.db``), the framework and
the registry, and hands data submissions to ``meili.ingest``; it never imports the
assessment or the methods (the assessment reads what the workflow writes through
``meili.db.assessment_inputs``).
"""
