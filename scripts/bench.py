"""Load-test every public page type against gunicorn in production settings; print a table.

    .venv/bin/python scripts/bench.py --stories 1000
    .venv/bin/python scripts/bench.py --stories 100000 \
        --database-url postgres://postgres@127.0.0.1:5432/newsroom_bench

Fills the database with `generate_demo` (only when it does not already hold that
many stories), collects static files, starts gunicorn (2 workers, DEBUG off, Redis
cache) on 127.0.0.1, and runs wrk against each page twice: "miss" requests carry a
unique query string so every one is rendered (the page cache skips them, as it
skips a shared link's ?fbclid=), with the shared fragments warm as between two
purges (the sidebar, the home page's kanal blocks, a story's own markup); "hit"
requests are the same URL, served from the page cache (search never is). Each
request has its own User-Agent, so every article request is a new reader whose
view is counted; the script checks that every one of them reached the database.
The ceiling is /livez: a constant response through the whole middleware stack,
measured first and last; shares are of the mean of the two, as the speed of a
shared machine drifts during a run (both are printed).
SQL per rendered request is measured in-process the same way; "after a purge" is
one request rendered in-process right after a purge, every shared fragment made
afresh (what the first reader after a publish waits for). `--profile PAGE` prints
a pyinstrument profile instead. Only loopback is used; every wrk run is bounded
by --duration.

With `--sites N` the stories are spread over a network of N sites (`generate_demo
--sites`; one in ten also placed on a second site), and the pages measured are the
default site's, as its readers reach it: 20 sites x 5,000 stories is
`--stories 100000 --sites 20`; with `--baseline-stories 100000` (one site by default,
`--baseline-sites`) each page is loaded side by side on one site of 100,000 stories.

With `--edge`, the home and article pages are loaded through Varnish (the project's
VCL, on the next port but one) and set beside the same page rendered by gunicorn and
beside Varnish serving a static file of the same size; then `--publishes` stories are
published one after another and the time from each publish to the home page through
Varnish showing it is reported (p50, p99): the purge-to-fresh time.

With `--baseline-stories N --baseline-database-url URL`, a second server runs over
N stories (its own database and Redis database) beside the first, and each page's
rendered requests are loaded on one right after the other: the p50 ratio of the two
is then measured side by side, not across runs minutes apart on a machine whose
speed drifts.
"""

import argparse
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
WRK_SCRIPT = """
local path, mode, run = "{path}", "{mode}", "{run}"
local separator = string.find(path, "?", 1, true) and "&" or "?"
local sent, next_salt = 0, 1
setup = function(thread) thread:set("salt", next_salt); next_salt = next_salt + 1 end
request = function()
  sent = sent + 1
  local tag = run .. "-" .. salt .. "-" .. sent
  local target = path
  if mode == "miss" then target = path .. separator .. "bench=" .. tag end
  return wrk.format("GET", target, {{["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0 r" .. tag}})
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\\nRESULT {{"requests": %d, "duration_us": %d, "errors": %d, "p50_us": %d, "p99_us": %d}}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
"""


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=1000)
    parser.add_argument("--sites", type=int, default=1, help="spread the stories over N sites")
    parser.add_argument(
        "--database-url", default=f"sqlite:///{BASE_DIR / 'bench.sqlite3'}", help="default: SQLite"
    )
    parser.add_argument("--cache-url", default="redis://127.0.0.1:6379/7")
    parser.add_argument("--port", type=int, default=8300)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--profile", metavar="PAGE", help="profile one page type in-process")
    parser.add_argument(
        "--pages", metavar="TYPE,...", help="load only these page types (default: all)"
    )
    parser.add_argument("--baseline-stories", type=int, help="compare p50 with this many stories")
    parser.add_argument("--baseline-database-url", help="the baseline's database (required)")
    parser.add_argument("--baseline-sites", type=int, default=1, help="the baseline's sites")
    parser.add_argument("--baseline-cache-url", default="redis://127.0.0.1:6379/8")
    parser.add_argument("--edge", action="store_true", help="load home and article via Varnish")
    parser.add_argument("--publishes", type=int, default=100, help="--edge: purge-to-fresh runs")
    parser.add_argument("--prepare-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.baseline_stories and not args.baseline_database_url:
        parser.error("--baseline-stories needs --baseline-database-url")
    return args


def production_environment(database_url, cache_url, workdir):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "CACHE_URL": cache_url,
        "STATIC_ROOT": str(workdir / "static"),
        "MEDIA_ROOT": str(BASE_DIR / "media"),
        "HTTPS": "0",
        "LOG_LEVEL": "WARNING",
    }


def manage(env, *command):
    subprocess.run([PYTHON, "manage.py", *command], cwd=BASE_DIR, env=env, check=True)


def prepare_data(args, env):
    from articles.models import Article, Site

    manage(env, "migrate", "--noinput", "-v0")
    if Article.objects.count() != args.stories or Site.objects.count() != args.sites:
        manage(env, "flush", "--noinput")
        started = time.monotonic()
        command = ["generate_demo", "--stories", str(args.stories), "--sites", str(args.sites)]
        manage(env, *command)
        print(f"{' '.join(command)}: {time.monotonic() - started:.1f} s")


def start_gunicorn(args, env, port):
    server = subprocess.Popen(
        [
            str(Path(PYTHON).with_name("gunicorn")),
            "newsroom.wsgi",
            "--workers",
            str(args.workers),
            "--bind",
            f"127.0.0.1:{port}",
        ],  # fmt: skip
        cwd=BASE_DIR,
        env=env,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/livez", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def worker_rss_mib(server):
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    sizes = []
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(int(line.split()[1]) / 1024)
    return sizes


def stop(server):
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:  # workers stuck in a slow page
        server.kill()
        server.wait()


def start_baseline(args, workdir):
    """The same server over --baseline-stories stories, on the next port; its pages."""
    prepared = subprocess.run(
        [
            PYTHON,
            __file__,
            "--prepare-only",
            "--stories",
            str(args.baseline_stories),
            "--sites",
            str(args.baseline_sites),
            "--database-url",
            args.baseline_database_url,
            "--cache-url",
            args.baseline_cache_url,
        ],  # fmt: skip
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    output, pages = prepared.split("PAGES ", 1)
    print(output, end="")
    pages = json.loads(pages)
    env = production_environment(args.baseline_database_url, args.baseline_cache_url, workdir)
    return start_gunicorn(args, env, args.port + 1), pages


def wrk(args, path, mode, workdir, port=None):
    script = workdir / f"{mode}.lua"
    script.write_text(WRK_SCRIPT.format(path=path, mode=mode, run=secrets.token_hex(4)))
    output = subprocess.run(
        [
            "wrk",
            f"-t{args.threads}",
            f"-c{args.connections}",
            f"-d{args.duration}s",
            "--timeout",
            "5s",
            "-s",
            str(script),
            f"http://127.0.0.1:{port or args.port}",
        ],  # fmt: skip
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result = json.loads(output.split("RESULT ", 1)[1])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def article_views(article_url):
    from django.db.models import Sum

    from articles.delivery.readership import flush_views
    from articles.models import Article, DailyViews

    flush_views()
    slug = article_url.rstrip("/").rsplit("/", 1)[1]
    total = DailyViews.objects.filter(article=Article.objects.get(slug=slug)).aggregate(
        Sum("views")
    )
    return total["views__sum"] or 0


def cold_render(url, repeats=3):
    """`12.3 ms, 8 SQL`: the median request rendered right after a purge, in-process."""
    from articles.readers.sampling import rendered_request

    runs = sorted((rendered_request(url, cold=True) for _ in range(repeats)), key=lambda r: r[1])
    queries, seconds = runs[repeats // 2]
    return f"{seconds * 1000:.1f} ms, {len(queries)} SQL"


def profile(page, pages):
    from pyinstrument import Profiler

    from articles.readers.sampling import reader_client

    client = reader_client()
    client.get(pages[page])  # warm the ranking and the connection
    profiler = Profiler(interval=0.0005)
    with profiler:
        for number in range(200):
            client.get(f"{pages[page]}?bench={number}", HTTP_USER_AGENT=f"Mozilla/5.0 r{number}")
    print(profiler.output_text(unicode=True, color=False, show_all=False))


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def edge_run(args, env, workdir, pages):
    """`--edge`: see the module docstring."""
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from articles.editorial import workflow
    from articles.models import Article, Site
    from articles.readers.sampling import reader_client
    from tests.edge import PURGE_SECRET, Varnish

    varnish = Varnish(args.port)
    edge_settings = {"EDGE_CACHE_SECONDS": "3600", "EDGE_PURGE_URLS": varnish.url,
                     "EDGE_PURGE_SECRET": PURGE_SECRET}  # fmt: skip
    env = {**env, **edge_settings}
    settings.EDGE_CACHE_SECONDS, settings.EDGE_PURGE_URLS = 3600, [varnish.url]  # we publish
    settings.EDGE_PURGE_SECRET = PURGE_SECRET
    sizes = {page: len(reader_client().get(pages[page]).content) for page in ("home", "article")}
    static_root = Path(env["STATIC_ROOT"])
    for page, size in sizes.items():  # before gunicorn starts: WhiteNoise lists files then
        (static_root / f"bench-{page}.html").write_bytes(b"x" * size)
    server = start_gunicorn(args, env, args.port)
    varnish.start()
    try:
        print(f"\n{args.stories} stories on {args.sites} site(s), edge mode, wrk -t{args.threads} "
              f"-c{args.connections} -d{args.duration}s")  # fmt: skip
        print(f"{'page':<10}{'bytes':>8}{'rendered':>10}{'edge':>9}{'static':>9}"
              f"{'x rendered':>12}{'% static':>10}{'edge p50 ms':>13}{'p99 ms':>8}")  # fmt: skip
        for page, size in sizes.items():
            rendered = wrk(args, pages[page], "miss", workdir)
            varnish.get(pages[page], host="127.0.0.1")
            through_edge = wrk(args, pages[page], "hit", workdir, varnish.port)
            static_path = f"/{settings.STATIC_URL.strip('/')}/bench-{page}.html"
            varnish.get(static_path, host="127.0.0.1")
            static = wrk(args, static_path, "hit", workdir, varnish.port)
            errors = [run["errors"] for run in (rendered, through_edge, static)]
            print(
                f"{page:<10}{size:>8}{rendered['rps']:>10.0f}{through_edge['rps']:>9.0f}"
                f"{static['rps']:>9.0f}{through_edge['rps'] / rendered['rps']:>12.1f}"
                f"{100 * through_edge['rps'] / static['rps']:>9.0f}%"
                f"{through_edge['p50_us'] / 1000:>13.2f}{through_edge['p99_us'] / 1000:>8.2f}"
                + (
                    f"  (errors: rendered {errors[0]}, edge {errors[1]}, static {errors[2]})"
                    if any(errors)
                    else ""
                )
            )
        editor, _ = get_user_model().objects.get_or_create(
            username="bench-editor", defaults={"is_staff": True, "is_superuser": True}
        )
        site = Site.objects.default()
        fresh = []
        for number in range(args.publishes):
            story = Article.objects.create(
                headline=f"Kabar segar nomor {number} {secrets.token_hex(3)}", body="Isi.",
                site=site, status=Article.Status.IN_REVIEW,
            )  # fmt: skip
            varnish.get("/", host="127.0.0.1")  # the home page is in the edge before
            started = time.perf_counter()
            workflow.perform(story, "publish", user=editor)
            while story.headline not in varnish.get("/", host="127.0.0.1")[2]:
                if time.perf_counter() - started > 10:
                    raise SystemExit(f"publish {number} not fresh through the edge after 10 s")
            fresh.append(time.perf_counter() - started)
        print(
            f"purge to fresh over {len(fresh)} publishes: p50 {percentile(fresh, 0.5) * 1000:.1f} ms, "
            f"p99 {percentile(fresh, 0.99) * 1000:.1f} ms, max {max(fresh) * 1000:.1f} ms"
        )
    finally:
        varnish.cleanup()
        stop(server)


def main():
    args = parse_args()
    if shutil.which("wrk") is None and not args.profile:
        raise SystemExit("wrk is not installed: run `make bench` (installs Debian's wrk as root).")
    workdir = Path(tempfile.mkdtemp(prefix="newsroom-bench-"))
    env = production_environment(args.database_url, args.cache_url, workdir)
    os.environ.update(env)
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connection

    from articles.readers.sampling import page_queries, public_pages

    prepare_data(args, env)
    cache.clear()
    pages = public_pages()
    if args.pages:
        wanted = set(args.pages.split(","))
        if unknown := wanted - set(pages):
            raise SystemExit(
                f"--pages: no page type {', '.join(sorted(unknown))} (of {', '.join(pages)})"
            )
        pages = {page: url for page, url in pages.items() if page in wanted}
    if args.prepare_only:
        shutil.rmtree(workdir, ignore_errors=True)
        print("PAGES " + json.dumps(pages))
        return None
    manage(env, "collectstatic", "--noinput", "-v0")
    if args.profile:
        return profile(args.profile, pages)
    if args.edge:
        return edge_run(args, env, workdir, pages)
    queries = {page: len(page_queries(url)) for page, url in pages.items() if url}
    cold = {page: cold_render(url) for page, url in pages.items() if url}
    connection.close()
    article_url = pages.get("article")
    views_before = article_views(article_url) if article_url else 0
    baseline, baseline_pages = (
        start_baseline(args, workdir) if args.baseline_stories else (None, {})
    )
    server = start_gunicorn(args, env, args.port)
    rows, article_requests = [], 0
    try:
        first_ceiling = wrk(args, "/livez", "hit", workdir)
        for page, url in pages.items():
            if url is None:
                rows.append((page, "-", None, "n/a", "", None))
                continue
            for mode in ("miss", "hit"):
                result = wrk(args, url, mode, workdir)
                if page == "article":
                    article_requests += result["requests"]
                sql = "0" if mode == "hit" else str(queries[page])
                after_purge, beside = (cold[page] if mode == "miss" else ""), None
                if mode == "miss" and baseline_pages.get(page):  # right after: same conditions
                    beside = wrk(args, baseline_pages[page], mode, workdir, args.port + 1)
                rows.append((page, mode, result, sql, after_purge, beside))
        last_ceiling = wrk(args, "/livez", "hit", workdir)
        rss = worker_rss_mib(server)
    finally:
        stop(server)
        if baseline:
            stop(baseline)
    counted = article_views(article_url) - views_before if article_url else 0
    ceiling = {"rps": (first_ceiling["rps"] + last_ceiling["rps"]) / 2}
    rows[:0] = [
        ("ceiling, first", "-", first_ceiling, "0", "", None),
        ("ceiling, last", "-", last_ceiling, "0", "", None),
    ]

    print(f"\n{args.stories} stories on {args.sites} site(s), {connection.vendor}, cache {args.cache_url}, "
          f"{args.workers} gunicorn workers, wrk -t{args.threads} -c{args.connections} "
          f"-d{args.duration}s")  # fmt: skip
    compared = (
        f"beside {args.baseline_stories} stories on {args.baseline_sites} site(s): p50; req/s"
        if baseline
        else ""
    )
    print(
        f"{'page':<18}{'cache':<7}{'req/s':>9}{'% ceil':>8}{'p50 ms':>9}{'p99 ms':>9}{'SQL':>5}"
        f"{'errors':>8}  {'after a purge':>15}  {compared}"
    )
    for page, mode, result, sql, after_purge, beside in rows:
        if result is None:
            print(f"{page:<18}{mode:<7}{'n/a':>9}")
            continue
        share = 100 * result["rps"] / ceiling["rps"]
        ratio = ""
        if beside:
            baseline_p50 = beside["p50_us"] / 1000
            ratio = (
                f"{baseline_p50:.2f} ms, x{result['p50_us'] / beside['p50_us']:.2f}; "
                f"{beside['rps']:.0f} req/s, x{result['rps'] / beside['rps']:.2f}"
            )
            ratio += f" ({beside['errors']} errors)" if beside["errors"] else ""
        print(
            f"{page:<18}{mode:<7}{result['rps']:>9.0f}{share:>7.0f}%{result['p50_us'] / 1000:>9.2f}"
            f"{result['p99_us'] / 1000:>9.2f}{sql:>5}{result['errors']:>8}  {after_purge:>15}"
            f"  {ratio}"
        )
    print("worker RSS after the run: " + ", ".join(f"{size:.0f} MiB" for size in rss))
    shutil.rmtree(workdir, ignore_errors=True)
    if not article_url:
        return
    # wrk counts completed responses; requests in flight when it stops are served and counted too.
    in_flight = 2 * args.connections
    verdict = "ok" if 0 <= counted - article_requests <= in_flight else "MISMATCH"
    print(
        f"article views: {article_requests} responses, {counted} counted "
        f"(up to {in_flight} more may have been in flight): {verdict}"
    )


if __name__ == "__main__":
    main()
