"""The editorial wing: the newsroom's work on stories, whatever asks for it (admin,
commands, seeds, tests).

The workflow (the one writer of a story's status), placements, revisions,
autosave, notes and mentions, planning, presence, tag merging, live updates and what a
changed photo sets off (`photos.py`). It
may import `models`, `network`, `delivery`, `media` and `text`; nothing of `seeds`,
`readers` or the admin (they build on it).
"""
