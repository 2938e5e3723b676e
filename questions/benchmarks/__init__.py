"""Synthetic banks for `make bench`: fill.py writes them, wording.py says how the questions
read, copying.py streams the rows."""
