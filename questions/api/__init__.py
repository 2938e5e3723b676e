"""What every part of the REST API shares: errors (errors.py), the signed-in permission and
body parsing (views.py), pagination, serializer fields, filters, the JSON parser, throttles
and the routes (urls.py). Each capability keeps its own viewsets and serializers:
questions/bank/, questions/kits/, questions/scorecards/."""
