"""The Import area: students and families from the school's MIS (CSV or Common Transfer File)."""
