"""What every part of the REST API shares: errors (errors.py), pagination, serializer fields,
the JSON parser, throttles and the routes (urls.py). Each capability keeps its own viewsets
and serializers: questions/bank/, questions/kits/, questions/scorecards/."""
