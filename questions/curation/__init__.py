"""Curating the bank in the admin: the question, competency, role and synonym admin pages
(admin.py), their history and restore (history.py), spreadsheet import and export
(resources.py, importing.py) and the wording checks editors see (quality.py)."""
