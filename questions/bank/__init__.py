"""The question bank: the rules for editors' writes (rules.py) and the API for questions,
competencies and roles (api.py, serializers.py). Its pages are questions/views.py's."""
