"""The media wing: what an upload must be and the photos made from it (renditions).

It may import `models` (renditions) and, inside the wing, `media.images`; nothing of
`delivery`, `editorial`, `seeds` or `readers`.
"""
