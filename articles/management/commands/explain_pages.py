"""Show how PostgreSQL runs every query of every public page, and catch sequential scans.

Each page type is requested as a page-cache miss is served (the shared sidebar,
kanal blocks, story markup and Terpopuler ranking warm), its SELECTs are run
again under EXPLAIN, and every sequential scan of a table larger than --rows rows
is reported; the exit status is 1 if there is one. The shared lists and a story's
markup, made again after a purge or once per cache period, are shown too and
checked only with --prefer-indexes: that option tells the planner to avoid
sequential scans, so on a small database a remaining one means that no index can
serve the query (the test suite runs it so).
"""

import json

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from articles.readers.sampling import page_queries, periodic_queries, public_pages


def plan_nodes(node):
    yield node
    for child in node.get("Plans", []):
        yield from plan_nodes(child)


class Command(BaseCommand):
    help = "Tampilkan rencana kueri PostgreSQL tiap halaman publik dan tandai sequential scan."

    def add_arguments(self, parser):
        parser.add_argument(
            "--analyze", action="store_true", help="jalankan kueri (EXPLAIN ANALYZE)"
        )
        parser.add_argument(
            "--rows", type=int, default=1000, help="tabel sebesar ini ke atas dicek"
        )
        parser.add_argument("--prefer-indexes", action="store_true", help="enable_seqscan = off")

    def handle(self, *args, analyze, rows, prefer_indexes, **options):
        if connection.vendor != "postgresql":
            raise CommandError("explain_pages needs PostgreSQL (DATABASE_URL=postgres://...).")
        sizes = self.table_sizes()
        problems = []
        pages = {page: url and page_queries(url) for page, url in public_pages().items()}
        pages["shared lists (periodic)"] = periodic_queries()
        for page, queries in pages.items():
            if queries is None:
                self.stdout.write(f"{page}: n/a (no route)")
                continue
            selects = [sql for sql in queries if sql.lstrip().upper().startswith("SELECT")]
            self.stdout.write(self.style.MIGRATE_HEADING(f"{page}: {len(selects)} SELECTs"))
            hot = "periodic" not in page
            for sql in selects:
                plan = self.explain(sql, analyze=analyze, prefer_indexes=prefer_indexes)
                timing = f" {plan['Execution Time']:.2f} ms" if analyze else ""
                top = plan["Plan"]
                self.stdout.write(
                    f"  {top['Node Type']} cost={top['Total Cost']}{timing}: {sql[:100]}"
                )
                for node in plan_nodes(top):
                    table = node.get("Relation Name")
                    if node["Node Type"] != "Seq Scan":
                        continue
                    self.stdout.write(f"    Seq Scan on {table} ({sizes.get(table, 0):.0f} rows)")
                    if prefer_indexes or (hot and sizes.get(table, 0) > rows):
                        problems.append(f"{page}: Seq Scan on {table} in {sql[:200]}")
        if problems:
            raise CommandError(
                f"{len(problems)} sequential scan(s) on hot paths:\n" + "\n".join(problems)
            )
        self.stdout.write(
            self.style.SUCCESS("No sequential scan of a large table on any public page.")
        )

    @staticmethod
    def table_sizes():
        with connection.cursor() as cursor:
            cursor.execute("SELECT relname, reltuples FROM pg_class WHERE relkind = 'r'")
            return dict(cursor.fetchall())

    @staticmethod
    def explain(sql, *, analyze, prefer_indexes):
        with connection.cursor() as cursor:
            if prefer_indexes:
                cursor.execute("SET enable_seqscan = off")
            try:
                options = "ANALYZE, FORMAT JSON" if analyze else "FORMAT JSON"
                cursor.execute(f"EXPLAIN ({options}) {sql}")
                result = cursor.fetchone()[0]
            finally:
                if prefer_indexes:
                    cursor.execute("RESET enable_seqscan")
        return (json.loads(result) if isinstance(result, str) else result)[0]
