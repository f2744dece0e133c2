"""The Returns area: ticking off slips, what is outstanding, conflicting answers, agreements."""
