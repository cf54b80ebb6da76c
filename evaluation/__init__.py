"""Evaluation: development set (gold-dev), conformance suite, benchmark."""
