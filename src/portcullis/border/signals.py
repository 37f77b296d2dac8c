"""What border tells other contexts, sent inside the transaction of the change it reports."""

from __future__ import annotations

from django.dispatch import Signal

entry_refused = Signal()  # sender=Examination; examination, directions, actor
