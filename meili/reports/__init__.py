"""Self-assessment reports (自评估报告) of a zone for one assessment round: HTML, PDF, DOCX.

:mod:`~meili.reports.content` gathers what a report says from the stored round
(:func:`meili.assess.rounds.load_round`), the zone's framework and the workflow (approved
plan, ledger, accepted evidence, the approved self-assessment's narrative);
:mod:`~meili.reports.charts` and :mod:`~meili.reports.maps` draw its figures (SVG for HTML
and PDF, PNG for Word); :mod:`~meili.reports.html`, :mod:`~meili.reports.pdf` and
:mod:`~meili.reports.docx` write the three formats from the same content, so every format
shows the same numbers.
"""
