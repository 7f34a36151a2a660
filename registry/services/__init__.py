"""Every state change of the registry is a function here (one door for every change)."""
