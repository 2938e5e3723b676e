"""The API's JSON parser."""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class SafeJSONParser(JSONParser):
    """JSON, answering a body nested too deeply for Python's parser with a 400.

    A 2 KB body of nested brackets exhausts the recursion limit; JSONParser lets that
    RecursionError through as a 500.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - the body is nested too deeply.") from None
