"""Django admin: sessions, posts, photos and credits, people and roles; the read-only logs."""

from liveblog.admin import site  # noqa: F401  (registers the models)
