"""Planning: the cheapest team that meets every SLA, found from analytic bounds then simulation."""
