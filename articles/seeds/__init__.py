"""The seeds wing: stories as documents, to load, export and make up.

The document format (`format`, pure), documents to and from the database
(`documents`) and made-up demo text (`demo`). It may import `models`, `network`,
`delivery`, `editorial` and `text`; nothing of `readers` or the admin.
"""
