"""Drills (应急演练) and corrective actions (整改): records, improvement plans, the drill
schedule per enterprise, and the loop back to plans (revision trigger 5, domain.md §2, §5)."""
