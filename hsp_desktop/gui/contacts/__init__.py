"""Termly contact: my class, the contact form, the whole school, absence calls, follow-ups."""
