"""The caseworker and officer web interface (GOV.UK Frontend and MoJ Frontend)."""
