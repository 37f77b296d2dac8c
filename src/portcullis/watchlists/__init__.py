"""Watchlists: the lists travellers and applicants are screened against, and every screening."""
