"""Rules on step ids and the references between steps (SF101-SF105, SF109)."""
