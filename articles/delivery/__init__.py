"""The delivery wing: getting pages to readers fast, and keeping them right.

Cache generations and purges (`purge`), values made once between purges (`fragments`),
the page cache (`pages`), the edge's headers and purges (`headers`, `edge`), counting a
reader's view below the page cache (`readership`) and the deploy check on Redis
(`checks`). It may import `models`, `network` and `text`; nothing of `editorial`,
`seeds` or `readers` (they build on it).
"""
