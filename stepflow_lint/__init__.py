"""stepflow-lint: a static analyzer, linter and autofixer for Stepflow workflow files."""

__version__ = "0.1.0"
