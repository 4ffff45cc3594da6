"""The reader pages' views, one module per page type: `base` (the mixin every page
shares, the picks, the error page), `home`, `story` (story page, live JSON, preview,
view beacon), `lists` (kanal, tag, topic, editor, source, Indeks) and `search`.
"""
