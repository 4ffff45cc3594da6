"""The media wing: what a photo upload must be, and the renditions made of it.

`images.py` is on the bottom floor (it imports nothing of the project): the checks an
upload must pass (type, bytes, pixels, sides, shape), the master made from an original
(bounded decode, upright, sRGB, no metadata), the originals' private storage and
`PhotoImageField`, which the models build on. `renditions.py` sits above the models: the
resized copies and crops of a photo's master, made once and stored, and the task that
makes them. `embeds.py` beside it: the embeds of a story's body, their rows and cards,
and the task that fetches their metadata through `articles.outside`. Nothing here
imports `delivery`,
`editorial`, `seeds` or `readers`.
"""
