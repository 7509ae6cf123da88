"""The API's error answers, written once into the OpenAPI schema (a drf-spectacular
postprocessing hook): every error is a problem details document (portal.errors)."""

from drf_spectacular.utils import OpenApiResponse

PROBLEM = {
    "type": "object",
    "description": "Problem details (RFC 9457); `errors` holds the invalid parameters.",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": True},
    },
    "required": ["type", "title", "status"],
}

# No NUL character: refused before any view reads it (portal.middleware); and a query
# parameter that is only spaces (as Python's str.strip() reads them) is refused as empty.
NO_NUL = "^[^\\x00]*$"
SPACE = (
    "\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"
)
NOT_BLANK = f"^[^\\x00]*[^\\x00{SPACE}][^\\x00]*$"

DESCRIPTIONS = {
    "400": "Invalid parameters.",
    "401": "Authentication required.",
    "403": "Not allowed for this account.",
    "404": "Nothing at this address, nothing the caller may read, or a page out of range.",
    "429": "Too many requests.",
    "500": "Server error.",
}


def problem_response(description):
    """An error answer an operation describes itself (in `extend_schema`), where the generic
    description below would not tell when it comes: the same problem details body."""
    return OpenApiResponse(
        response={"$ref": "#/components/schemas/Problem"}, description=description
    )


def add_problem_responses(result, generator, request, public):
    """Declare, on every operation, the error answers any of them may give, that a
    filter given empty is refused (portal.api_filters.StrictFilterBackend) and that no
    parameter may carry a NUL character."""
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM
    reference = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            # 404 on lists too: DRF's pagination answers it for a page out of range.
            codes = ["400", "401", "403", "404", "429", "500"]
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                if schema.get("type") != "string":
                    continue
                if parameter.get("in") == "query":
                    schema.setdefault("minLength", 1)
                    schema.setdefault("pattern", NOT_BLANK)
                elif parameter.get("in") == "path":
                    schema.setdefault("pattern", NO_NUL)
            responses = operation.setdefault("responses", {})
            for code in codes:
                responses.setdefault(
                    code, {"description": DESCRIPTIONS[code], "content": reference}
                )
    return result
