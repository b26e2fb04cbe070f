"""上下游突发水污染事件联防联控协议: agreements with neighbouring cities, their contact
rosters, joint meetings, the risk-map layer and the notification sheet (domain.md §6)."""
