"""The API's description (OpenAPI 3.1), served at /api/openapi.json for developers and tools.

Written by hand beside liveblog.live.api: a change to a field there is a change here, and
tests/live/test_api_protocol.py checks that every answer of the API fits this description.
"""

from django.conf import settings

from liveblog.live.api import api_response, api_view

ERROR_CODES = [
    "bad_request",
    "invalid_parameter",
    "forbidden",
    "not_found",
    "method_not_allowed",
    "server_error",
]


def nullable(kind: str, **extra) -> dict:
    return {"type": [kind, "null"], **extra}


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


SCHEMAS = {
    "Error": {
        "type": "object",
        "required": ["error", "code"],
        "properties": {
            "error": {"type": "string", "description": "For a person, in the language asked."},
            "code": {"type": "string", "enum": ERROR_CODES, "description": "Stable, for code."},
        },
    },
    "Photo": {
        "type": "object",
        "required": ["url", "width", "height", "alt", "caption", "credit"],
        "properties": {
            "url": {"type": "string", "format": "uri"},
            "width": {"type": "integer"},
            "height": {"type": "integer"},
            "alt": {"type": "string"},
            "caption": {"type": "string"},
            "credit": nullable("string"),
        },
    },
    "Block": {
        "type": "object",
        "required": ["kind"],
        "description": "paragraph: html; photo: the Photo fields; quote: text, attribution; "
        "embed: url, provider, text; link: url, link_kind, title.",
        "properties": {
            "kind": {"type": "string", "enum": ["paragraph", "photo", "quote", "embed", "link"]},
            "html": {"type": "string"},
            "text": {"type": "string"},
            "attribution": {"type": "string"},
            "url": {"type": "string"},
            "provider": {"type": "string"},
            "link_kind": {"type": "string"},
            "title": {"type": "string"},
        },
    },
    "Post": {
        "type": "object",
        "required": ["id", "url", "anchor", "title", "published_at", "version", "blocks"],
        "properties": {
            "id": {"type": "integer"},
            "url": {"type": "string", "format": "uri"},
            "anchor": {"type": "string", "format": "uri"},
            "title": {"type": "string"},
            "rubric": nullable("string"),
            "published_at": {"type": "string", "format": "date-time"},
            "edited_at": nullable("string", format="date-time"),
            "correction": {
                **nullable("string"),
                "description": "The editors' correction note readers see, if any.",
            },
            "version": {"type": "integer"},
            "pinned": {"type": "boolean"},
            "key_event": {"type": "boolean"},
            "author": nullable("string"),
            "text": {"type": "string", "description": "The post as plain text."},
            "blocks": {"type": "array", "items": ref("Block")},
        },
    },
    "Session": {
        "type": "object",
        "required": ["slug", "url", "headline", "language", "status", "last_seq", "posts"],
        "properties": {
            "slug": {"type": "string"},
            "url": {"type": "string", "format": "uri"},
            "headline": {"type": "string"},
            "standfirst": {"type": "string"},
            "language": {"type": "string", "enum": [code for code, _name in settings.LANGUAGES]},
            "status": {"type": "string", "enum": ["scheduled", "live", "ended", "archived"]},
            "scheduled_for": nullable("string", format="date-time"),
            "started_at": nullable("string", format="date-time"),
            "ended_at": nullable("string", format="date-time"),
            "lead_photo": {"oneOf": [ref("Photo"), {"type": "null"}]},
            "credits": {"type": "string"},
            "last_seq": {
                "type": "integer",
                "description": "Position in the live's event log: changes with every change.",
            },
            "post_count": {"type": "integer", "description": "Only in a single live."},
            "posts": {"type": "string", "format": "uri"},
            "feeds": {
                "type": "object",
                "properties": {
                    "atom": {"type": "string", "format": "uri"},
                    "rss": {"type": "string", "format": "uri"},
                },
            },
        },
    },
}


def error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": ref("Error")}}}


def ok(description: str, schema: dict) -> dict:
    return {
        "description": description,
        "headers": {
            "ETag": {"schema": {"type": "string"}},
            "Last-Modified": {"schema": {"type": "string"}},
            "Cache-Control": {"schema": {"type": "string"}},
        },
        "content": {"application/json": {"schema": schema}},
    }


COMMON = {
    "304": {"description": "Not modified since the ETag or date the request gave."},
    "405": error("Only GET, HEAD and OPTIONS are answered (code: method_not_allowed)."),
}
SLUG = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}
LANG = {
    "name": "lang",
    "in": "query",
    "description": "Language of error messages (fr, en); Accept-Language works too.",
    "schema": {"type": "string", "enum": ["fr", "en"]},
}


def document() -> dict:
    live_not_found = error("No live has this address (code: not_found).")
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{settings.PUBLISHER_NAME} live blogs",
            "version": "1",
            "description": (
                "Read-only: live sessions and their published posts, newest first, paged by "
                "key (`next`). Answers carry an ETag and Last-Modified: send them back "
                "(If-None-Match, If-Modified-Since) for a 304. Any site's scripts may read it "
                "(CORS). Errors are JSON with a stable `code`. For updates as they happen, "
                "follow the live's websocket or its feeds."
            ),
        },
        "servers": [{"url": f"{settings.SITE_URL}/api"}],
        "paths": {
            "/lives/": {
                "get": {
                    "summary": "The lives of the home page: live, scheduled, recently ended.",
                    "parameters": [LANG],
                    "responses": {
                        "200": ok(
                            "The lives.",
                            {
                                "type": "object",
                                "properties": {
                                    "sessions": {"type": "array", "items": ref("Session")}
                                },
                            },
                        ),
                        **COMMON,
                    },
                }
            },
            "/lives/{slug}/": {
                "get": {
                    "summary": "One live, with its number of published posts.",
                    "parameters": [SLUG, LANG],
                    "responses": {
                        "200": ok("The live.", ref("Session")),
                        "404": live_not_found,
                        **COMMON,
                    },
                }
            },
            "/lives/{slug}/posts/": {
                "get": {
                    "summary": "A live's published posts, newest first, a page at a time.",
                    "parameters": [
                        SLUG,
                        {
                            "name": "before",
                            "in": "query",
                            "description": "Taken from `next`: the page after the one read.",
                            "schema": {"type": "string", "pattern": r"^\d{1,17}-\d{1,18}$"},
                        },
                        {
                            "name": "limit",
                            "in": "query",
                            "schema": {"type": "integer", "minimum": 1, "maximum": 100},
                        },
                        LANG,
                    ],
                    "responses": {
                        "200": ok(
                            "A page of posts; `next` is the following page, or null.",
                            {
                                "type": "object",
                                "properties": {
                                    "posts": {"type": "array", "items": ref("Post")},
                                    "next": nullable("string", format="uri"),
                                },
                            },
                        ),
                        "400": error("`before` or `limit` is malformed (code: invalid_parameter)."),
                        "404": live_not_found,
                        **COMMON,
                    },
                }
            },
        },
        "components": {"schemas": SCHEMAS},
    }


@api_view
def description(request):
    return api_response(document())
