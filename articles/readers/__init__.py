"""The readers wing: every public page and what they are made of.

Views (`views/`, one module per page type), Terkini/Terpopuler (`lists`), the
navigation, the precompiled story query, search, feeds, sitemaps, structured data,
social share links, pagination, context processors, page samples for benchmarks,
the URLs, and the signals by which reference data changed anywhere purges its pages.
It may import every wing below it (`models`, `network`, `delivery`,
`media`, `editorial`, `seeds`, `text`); only the admin, the template tags, the
commands, `apps` and `tasks` import it.
"""
