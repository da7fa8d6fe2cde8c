"""Rules on how references and keys are spelt: malformed (SF004) and legacy (SF005) forms."""
