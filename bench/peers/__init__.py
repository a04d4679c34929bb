"""The systems the app is measured against, on the same machine with the same frame:
the naive Channels pattern (naive) and the bare `websockets` broadcast (ceiling)."""
