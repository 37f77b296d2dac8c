"""Status: each person's immigration status history, stored as records (never recomputed),
and the share codes people use to prove it."""
