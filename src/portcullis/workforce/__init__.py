"""Workforce: staff, grades, teams, locations and the delegated-authority matrix."""
