#!/usr/bin/env python3
"""`make bench`: numbers, not assertions.

Prints
  1. playground start-up time; what live subscriptions add to one mutation
     (none, 20 that the mutation does not touch, 20 that it does);
  2. round-trip latency (median, p95) and mutations/s of calls from Python,
     beside the same calls made inside the sidecar and on plain convex-test in a
     Node process of its own (scripts/bench_convex_test.mjs), as ratios, and the
     CPU time per call of both processes (wall time means little on a busy machine);
     and the admin handle seeding, counting and reading a 40,000-row table;
  3. site build time, cold (no notebook cache) and cached;
  4. each notebook's execution time in a fresh kernel, and the whole set's wall time
     when executed as many at a time as the site build does (notebooks.default_jobs());
  5. the link checker benchmark, when scripts/bench_links.py is present;
  6. page weight and Lighthouse scores of the built site (scripts/bench_site.py);
  7. Convex's official Python client against `pg.url` beside the playground's own
     client, and the time from a mutation to its update on another connection;
  8. the reviewer's recall and precision beside ESLint's, and its timings (scripts/bench_review.py).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from convex_playground import Playground  # noqa: E402
from guide_tools import notebooks  # noqa: E402

TINY_APP = REPO / "tests" / "fixtures" / "tiny_app"
CLIENT_APP = REPO / "tests" / "fixtures" / "client_app"
PROTO_APP = REPO / "tests" / "fixtures" / "proto_app"
BENCH_IDENTITY = {"subject": "bench"}


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths))  # noqa: E731
    return "\n".join([line(headers), line(["-" * w for w in widths]), *map(line, rows)])


def bench_startup(runs: int) -> None:
    for label, app in (("tiny test app", TINY_APP), ("reference app", REPO / "snippets")):
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            pg = Playground(app)
            times.append((time.perf_counter() - started) * 1000)
            pg.close()
        print(f"playground start-up ({label}, {runs} runs): median {statistics.median(times):.0f} ms, "
              f"max {max(times):.0f} ms")


def bench_live_queries(count: int) -> None:
    """One mutation (a message sent to one channel) timed with no live query, then with 20."""
    with Playground(CLIENT_APP) as pg:
        admin = pg.admin()
        channels = admin.insert("channels", [{"name": f"channel {i}"} for i in range(21)])
        admin.insert("messages", [{"channelId": c, "author": "seed", "body": f"m{i}"} for c in channels for i in range(10)])
        written, others = channels[0], channels[1:]
        sender = pg.client(BENCH_IDENTITY)

        def time_sends(calls: int) -> list[float]:
            for _ in range(20):  # warm up
                sender.mutation("messages:send", {"channelId": written, "body": "warm-up"})
            timings = []
            for _ in range(calls):
                started = time.perf_counter()
                sender.mutation("messages:send", {"channelId": written, "body": "hello"})
                timings.append((time.perf_counter() - started) * 1000)
            return timings

        cases = [("no live queries", time_sends(count))]
        watchers = [pg.client().subscribe("messages:list", {"channelId": c}) for c in others]
        cases.append(("20 live queries on other channels", time_sends(count)))
        for watcher in watchers:
            watcher.unsubscribe()
        watchers = [pg.client().subscribe("messages:countAll") for _ in others]
        # Each of these re-runs a scan of the whole, growing table: fewer calls.
        cases.append(("20 live table scans (all re-run)", time_sends(max(1, count // 10))))
    base = statistics.median(cases[0][1])
    print(f"\nmutation messages:send with live subscriptions ({count} calls each, {max(1, count // 10)} for the scans; ms)")
    print(table(["case", "median", "p95", "vs none"],
                [[label, f"{statistics.median(ms):.3f}", f"{percentile(ms, .95):.3f}",
                  f"{statistics.median(ms) / base:.2f}x"] for label, ms in cases]))


def _process_cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process so far (Linux), 0.0 where /proc is not there."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def plain_convex_test(app: Path, seed: dict, identity: dict | None, cases: list, count: int) -> list[dict]:
    """Calls of `cases` made on convex-test alone, in a Node process of its own (scripts/bench_convex_test.mjs):
    the baseline without anything the playground adds. Per case {"perCall": ..., "reused": ...} (a new identity
    accessor per call, or one reused), each {"ms": [per call], "cpuMs": CPU per call}."""
    toolchain = REPO / "snippets"
    with tempfile.TemporaryDirectory(prefix="bench-convex-test-") as cache:
        job = {"app": str(app), "functions": str(app / "convex"), "cache": cache, "toolchain": str(toolchain),
               "seed": seed, "identity": identity, "warmup": 200, "count": count,
               "cases": [{"kind": kind, "name": name, "args": args} for kind, name, args in cases]}
        sidecar = REPO / "src" / "convex_playground" / "sidecar"
        done = subprocess.run(["node", "--import", (sidecar / "register.mjs").as_uri(),
                               str(REPO / "scripts" / "bench_convex_test.mjs"), json.dumps(job)],
                              cwd=toolchain, env={**os.environ, "CONVEX_PLAYGROUND_TOOLCHAIN": str(toolchain)},
                              capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def bench_round_trips(count: int, rounds: int = 5) -> None:
    """Calls from Python beside the same calls inside the sidecar and on plain convex-test.

    On a shared machine one long run mostly measures the neighbours, so the calls are made in `rounds`
    rounds, each measuring every side in turn (Python, inside the sidecar, plain convex-test in a fresh
    Node process): the tables give the median of the rounds' medians, and each ratio is the median of the
    ratios measured within one round. CPU time per call of each process is printed too."""
    tasks = [{"text": f"t{i}", "priority": float(i % 10), "done": False} for i in range(100)]
    cases = [("query", "tasks:urgentByIndex", {"min": 9}), ("mutation", "tasks:add", {"text": "x", "priority": 1})]
    per_round = max(1, count // rounds)
    measured = [{"python": [], "sidecar": [], "perCall": [], "reused": [], "python_all": [],
                 "cpu": {"python": [], "node": [], "sidecar": [], "perCall": [], "reused": []}} for _ in cases]
    with Playground(TINY_APP) as pg:
        client = pg.client(BENCH_IDENTITY)
        sidecar_pid = pg._process.process.pid
        pg.admin().insert("tasks", tasks)
        identity = client.identity
        for kind, name, args in cases:
            for _ in range(200):  # warm up both paths
                getattr(client, kind)(name, args)
            pg.bench_in_node(kind, name, args, 200, identity=identity)
        for _ in range(rounds):
            # Each round starts from the same data as the plain process gets (the mutation adds rows,
            # and the query's cost grows with the table).
            pg.reset()
            pg.admin().insert("tasks", tasks)
            for (kind, name, args), row in zip(cases, measured):
                call = getattr(client, kind)
                python_ms = []
                python_cpu, node_cpu = time.process_time(), _process_cpu_s(sidecar_pid)
                for _ in range(per_round):
                    started = time.perf_counter()
                    call(name, args)
                    python_ms.append((time.perf_counter() - started) * 1000)
                row["cpu"]["python"].append((time.process_time() - python_cpu) / per_round * 1000)
                row["cpu"]["node"].append((_process_cpu_s(sidecar_pid) - node_cpu) / per_round * 1000)
                in_sidecar_cpu = _process_cpu_s(sidecar_pid)
                row["sidecar"].append(statistics.median(pg.bench_in_node(kind, name, args, per_round, identity=identity)))
                row["cpu"]["sidecar"].append((_process_cpu_s(sidecar_pid) - in_sidecar_cpu) / per_round * 1000)
                row["python"].append(statistics.median(python_ms))
                row["python_all"].extend(python_ms)
            for row, plain in zip(measured, plain_convex_test(TINY_APP, {"tasks": tasks}, identity, cases, per_round)):
                for variant in ("perCall", "reused"):
                    row[variant].append(statistics.median(plain[variant]["ms"]))
                    row["cpu"][variant].append(plain[variant]["cpuMs"])
    p50 = statistics.median

    def ratio(row: dict, baseline: str) -> str:
        return f"{p50(py / base for py, base in zip(row['python'], row[baseline])):.2f}x"

    print(f"\nround trips ({rounds} rounds of {per_round} calls; ms, median of the rounds' medians): from Python, inside "
          "the sidecar, on plain convex-test with a new identity accessor per call and with one reused")
    print(table(["call", "python", "python p95", "in sidecar", "plain", "plain, reused", "vs in sidecar", "vs plain",
                 "vs plain, reused", "python calls/s"],
                [[f"{kind} {name}", f"{p50(row['python']):.3f}", f"{percentile(row['python_all'], .95):.3f}",
                  f"{p50(row['sidecar']):.3f}", f"{p50(row['perCall']):.3f}", f"{p50(row['reused']):.3f}",
                  ratio(row, "sidecar"), ratio(row, "perCall"), ratio(row, "reused"),
                  f"{1000 / statistics.mean(row['python_all']):.0f}"]
                 for (kind, name, _), row in zip(cases, measured)]))
    print("\nCPU per call (ms, median of the rounds; the sidecar's from /proc): calls from Python (both processes), "
          "the same calls inside the sidecar, and on plain convex-test")
    print(table(["call", "python process", "sidecar process", "sidecar, calls inside it", "plain", "plain, reused"],
                [[f"{kind} {name}", *(f"{p50(row['cpu'][key]):.3f}" for key in ("python", "node", "sidecar", "perCall", "reused"))]
                 for (kind, name, _), row in zip(cases, measured)]))
    print("round medians (ms), python / plain: " + "; ".join(
        f"{kind} " + " ".join(f"{py:.2f}/{base:.2f}" for py, base in zip(row["python"], row["perCall"]))
        for (kind, _, _), row in zip(cases, measured)))


def bench_clients(count: int) -> None:
    """Round trips of the official Python client (WebSocket and HTTP) on pg.url beside the playground's own
    client; then mutation -> update: one official client writes, another one's subscription sees it."""
    import convex
    from convex.http_client import ConvexHttpClient

    rows = []
    with Playground(PROTO_APP) as pg:
        clients = [("playground pg.client()", pg.client()), ("convex.ConvexClient(pg.url)", convex.ConvexClient(pg.url)),
                   ("ConvexHttpClient(pg.url)", ConvexHttpClient(pg.url))]
        for kind, name, args in [("query", "messages:counter", {"name": "rt"}), ("mutation", "messages:bump", {"name": "rt"})]:
            for label, client in clients:
                call = getattr(client, kind)
                for _ in range(20):  # warm up
                    call(name, args)
                timings = []
                for _ in range(count):
                    started = time.perf_counter()
                    call(name, args)
                    timings.append((time.perf_counter() - started) * 1000)
                rows.append([f"{kind} {name}", label, f"{statistics.median(timings):.3f}", f"{percentile(timings, .95):.3f}"])

        # One thread: the official client holds the GIL while it waits in next(), so a
        # reader thread would stall the writer. The update is timed from the moment the
        # mutation is sent until the other connection's subscription yields it: an upper bound.
        watcher, writer = convex.ConvexClient(pg.url), convex.ConvexClient(pg.url)
        updates = iter(watcher.subscribe("messages:counter", {"name": "latency"}))
        next(updates)
        latencies = []
        for expected in range(1, count + 21):
            started = time.perf_counter()
            writer.mutation("messages:bump", {"name": "latency"})
            while next(updates) != expected:
                pass
            if expected > 20:  # the first 20 warm up
                latencies.append((time.perf_counter() - started) * 1000)
    print(f"\nofficial clients on pg.url ({count} calls each; ms)")
    print(table(["call", "client", "median", "p95"], rows))
    print(f"mutation -> update on another connection: median {statistics.median(latencies):.3f} ms, "
          f"p95 {percentile(latencies, .95):.3f} ms ({len(latencies)} mutations, goal < 20 ms median)")


def bench_admin_table(rows: int) -> None:
    with Playground(TINY_APP) as pg:
        admin = pg.admin()
        documents = [{"text": f"t{i}", "priority": i % 10, "done": False} for i in range(rows)]
        timings = []
        for label, work in (("insert", lambda: admin.insert("tasks", documents)), ("count", lambda: admin.count("tasks")),
                            ("table", lambda: admin.table("tasks"))):
            started = time.perf_counter()
            work()
            timings.append(f"{label} {(time.perf_counter() - started) * 1000:.0f} ms")
    print(f"\nadmin handle on a {rows:,}-row table: " + ", ".join(timings))


def bench_site() -> None:
    env = {**os.environ}
    env.pop("CONVEX_URL", None)
    with tempfile.TemporaryDirectory() as tmp:
        cache_backup = Path(tmp) / "cache"
        if notebooks.OUTPUT.exists():
            shutil.copytree(notebooks.OUTPUT, cache_backup)
            shutil.rmtree(notebooks.OUTPUT)
        times = {}
        try:
            for label in ("cold (executes notebooks)", "cached"):
                started = time.perf_counter()
                result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir",
                                         str(Path(tmp) / "site")], cwd=REPO, env=env, capture_output=True, text=True)
                if result.returncode != 0:
                    print(result.stdout, result.stderr, file=sys.stderr)
                    raise SystemExit("site build failed")
                times[label] = time.perf_counter() - started
        finally:
            if cache_backup.exists() and not notebooks.OUTPUT.exists():
                shutil.copytree(cache_backup, notebooks.OUTPUT)
    print("\nsite build (mkdocs build --strict)")
    print(table(["build", "seconds"], [[k, f"{v:.1f}"] for k, v in times.items()]))


class ChildrenCpu:
    """CPU seconds (user + system) that this process's descendants used: the kernels, and the Node
    playgrounds and type-checkers under them. On a busy machine wall time says little; this does not
    depend on the load. A kernel's own children outlive it by a moment and would be reaped by init, so
    this process becomes their "subreaper" (Linux) and reaps them itself, which counts their time."""

    def __init__(self) -> None:
        self.counted = False
        if sys.platform.startswith("linux"):
            import ctypes

            PR_SET_CHILD_SUBREAPER = 36
            self.counted = ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1) == 0

    def _reap(self) -> None:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:  # no children left
                return
            if pid == 0:  # one is still exiting (it got SIGTERM when its parent died)
                time.sleep(0.02)

    def seconds(self) -> float:
        self._reap()
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime


def bench_notebooks() -> None:
    """Each notebook alone in a fresh kernel, then the whole set as `make notebooks` runs it (default_jobs() at a time)."""
    rows, total, total_cpu = [], 0.0, 0.0
    cpu = ChildrenCpu()
    with tempfile.TemporaryDirectory() as tmp:
        for path in notebooks.find_notebooks():
            before = cpu.seconds()
            outcome = notebooks.execute_notebook(path, Path(tmp) / "one", force=True)
            used = cpu.seconds() - before
            total, total_cpu = total + outcome.seconds, total_cpu + used
            rows.append([path.name, f"{outcome.seconds:.1f}", f"{used:.1f}"])
        rows.append(["all notebooks, one after another", f"{total:.1f}", f"{total_cpu:.1f}"])
        jobs = notebooks.default_jobs()
        before = cpu.seconds()
        started = time.perf_counter()
        notebooks.execute_all(output_dir=Path(tmp) / "all", force=True, log=lambda line: None)
        rows.append([f"all notebooks, {jobs} at a time (wall)", f"{time.perf_counter() - started:.1f}",
                     f"{cpu.seconds() - before:.1f}"])
    print("\nnotebook execution (fresh kernel each; CPU: user + system of the kernel"
          + (", its playground and checker" if cpu.counted else "") + ")")
    print(table(["notebook", "seconds", "CPU seconds"], rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=1000, help="calls per round-trip case (default 1000)")
    parser.add_argument("--skip", action="append", default=[], choices=["startup", "roundtrip", "clients", "admin", "site", "notebooks", "links", "pages", "review"])
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    if "startup" not in args.skip:
        bench_startup(5)
    if "roundtrip" not in args.skip:
        bench_live_queries(min(args.calls, 300))
        bench_round_trips(args.calls)
    if "clients" not in args.skip:
        bench_clients(min(args.calls, 300))
    if "admin" not in args.skip:
        bench_admin_table(40_000)
    if "site" not in args.skip:
        bench_site()
    if "notebooks" not in args.skip:
        bench_notebooks()
    links = REPO / "scripts" / "bench_links.py"
    if "links" not in args.skip and links.is_file():
        print("\nlink checkers (scripts/bench_links.py)", flush=True)
        subprocess.run([sys.executable, str(links)], cwd=REPO, check=False)
    if "pages" not in args.skip:
        print("\nsite pages (scripts/bench_site.py)", flush=True)
        subprocess.run([sys.executable, str(REPO / "scripts" / "bench_site.py")], cwd=REPO, check=False)
    if "review" not in args.skip:
        subprocess.run([sys.executable, str(REPO / "scripts" / "bench_review.py")], cwd=REPO, check=False)


if __name__ == "__main__":
    main()
