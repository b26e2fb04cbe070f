"""Incident mode (平战结合): an incident traced downstream, the notifications and reports
it owes with their clocks, the timeline, the duty roster and the emergency resources."""
