"""Rules on components, paths, error actions, metadata and test cases (SF106-SF108, SF110-SF112)."""
