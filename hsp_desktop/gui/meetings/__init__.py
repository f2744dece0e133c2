"""Meetings and annual reviews: the calendar, the SENCO dashboard, interpreter bookings."""
