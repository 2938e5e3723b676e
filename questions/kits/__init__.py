"""Interview kits: ordered questions with time and notes, balanced across competencies,
printed, exported and shared with interviewers.

- rules.py, item_rules.py, balance.py: every write (pages and API call these, nothing else
  writes kits); queries.py: what pages and API read; exports.py: CSV, Markdown and PDF.
- access.py, pages.py, item_pages.py, sheets.py, forms.py, urls.py: the HTML pages.
- api.py, api_downloads.py, serializers.py: the REST API under /api/v1/kits/.
"""
