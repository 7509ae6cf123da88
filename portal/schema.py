"""The API's error answers, written once into the OpenAPI schema (a drf-spectacular
postprocessing hook): every error is a problem details document (portal.errors)."""

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

DESCRIPTIONS = {
    "400": "Invalid parameters.",
    "401": "Authentication required.",
    "403": "Not allowed for this account.",
    "404": "Nothing at this address, nothing the caller may read, or a page out of range.",
    "429": "Too many requests.",
    "500": "Server error.",
}


def add_problem_responses(result, generator, request, public):
    """Declare, on every operation, the error answers any of them may give, and that a
    filter given empty is refused (portal.api_filters.StrictFilterBackend)."""
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM
    reference = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            # 404 on lists too: DRF's pagination answers it for a page out of range.
            codes = ["400", "401", "403", "404", "429", "500"]
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                if parameter.get("in") == "query" and schema.get("type") == "string":
                    schema.setdefault("minLength", 1)
            responses = operation.setdefault("responses", {})
            for code in codes:
                responses.setdefault(
                    code, {"description": DESCRIPTIONS[code], "content": reference}
                )
    return result
