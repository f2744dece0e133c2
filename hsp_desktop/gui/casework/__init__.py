"""The family support worker's screens: the caseload, home visits, the overdue-visit alert."""
