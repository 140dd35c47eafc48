#!/usr/bin/python3
"""Measuring half of scripts/bench-volumes (run by it; not meant to be called alone).

    bench-volumes.py batch OUT.jsonl IMPL TYPE N ROUND PARALLEL TIMEOUT
        N volumes of 1 GiB of volume type TYPE: `cinder create` for each (at most PARALLEL CLI
        calls in flight), each waited until `available`; then `cinder delete` for each, waited
        until the row is deleted. Per volume: CLI call start -> status seen in the database.
        Appends one JSON line per volume and one per batch to OUT.jsonl. Any volume in an
        error state, or a batch over TIMEOUT seconds, fails the run (exit 1).
    bench-volumes.py floor OUT.jsonl ROUND < lines "create|delete MILLISECONDS" (timed in the node)
    bench-volumes.py report OUT.jsonl FACTS.md RESULT.md
        the table (printed and written to RESULT.md after the facts).

State is read from cinder's MariaDB (127.0.0.1:3306, cinder/cinder unless EBS_CINDER_DB_*),
polled every 0.1 s with autocommit (each SELECT sees the latest commit), so latency has
~0.1 s resolution plus the poll's own time.
"""
import json
import os
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

POLL = 0.1


def db():
    import pymysql
    return pymysql.connect(host="127.0.0.1", port=3306,
                           user=os.environ.get("EBS_CINDER_DB_USER", "cinder"),
                           password=os.environ.get("EBS_CINDER_DB_PASS", "cinder"),
                           database=os.environ.get("EBS_CINDER_DB_NAME", "cinder"),
                           autocommit=True)


def cli(argv):
    t0 = time.time()
    r = subprocess.run(argv, capture_output=True, text=True, timeout=300)
    t1 = time.time()
    if r.returncode != 0:
        raise RuntimeError("%s failed (exit %d): %s %s" % (" ".join(argv), r.returncode, r.stdout, r.stderr))
    return t0, t1


def watch(conn, prefix, want, n, deadline):
    """Polls the volumes whose display_name starts with prefix until n of them satisfy want;
    returns {name: (id, first time seen satisfying)}. Fails on an error status."""
    seen = {}
    cur = conn.cursor()
    while True:
        now = time.time()
        cur.execute("SELECT display_name, id, status, deleted FROM volumes WHERE display_name LIKE %s",
                    (prefix + "%",))
        for name, vid, status, deleted in cur.fetchall():
            if name in seen:
                continue
            if status and status.startswith("error"):
                raise RuntimeError("volume %s (%s) is in status %s" % (name, vid, status))
            if want(status, deleted):
                seen[name] = (vid, now)
        if len(seen) >= n:
            return seen
        if now > deadline:
            raise RuntimeError("timeout: only %d of %d volumes %s reached the state" % (len(seen), n, prefix))
        time.sleep(POLL)


def run_phase(conn, prefix, n, parallel, timeout, calls, want):
    """Starts the CLI calls (calls: list of (name, argv)) and watches the DB at the same time."""
    starts, ends, errors = {}, {}, []

    def one(name, argv):
        try:
            starts[name], ends[name] = cli(argv)
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    result = {}

    def watcher():
        try:
            result["seen"] = watch(conn, prefix, want, n, time.time() + timeout)
        except Exception as e:  # noqa: BLE001
            result["error"] = e

    t0 = time.time()
    w = threading.Thread(target=watcher, daemon=True)
    w.start()
    with ThreadPoolExecutor(max_workers=parallel) as pool:
        for name, argv in calls:
            pool.submit(one, name, argv)
    if errors:
        raise errors[0]
    w.join()
    if "error" in result:
        raise result["error"]
    return t0, starts, ends, result["seen"]


def batch(out, impl, vtype, n, rnd, parallel, timeout):
    conn = db()
    prefix = "bvol-%s-%s-r%d-" % (os.environ.get("BENCH_RUN_ID", "x"), impl, rnd)
    names = ["%s%02d" % (prefix, i) for i in range(1, n + 1)]
    cur = conn.cursor()
    cur.execute("SELECT count(*) FROM volumes WHERE display_name LIKE %s AND deleted = 0", (prefix + "%",))
    if cur.fetchone()[0]:
        raise RuntimeError("volumes named %s* exist already" % prefix)
    records = []
    # create
    t0, starts, ends, seen = run_phase(
        conn, prefix, n, parallel, timeout,
        [(nm, ["cinder", "create", "--volume-type", vtype, "--name", nm, "1"]) for nm in names],
        lambda status, deleted: status == "available" and not deleted)
    create_wall = max(t for _, t in seen.values()) - t0
    ids = {nm: seen[nm][0] for nm in names}
    for nm in names:
        records.append({"kind": "volume", "impl": impl, "round": rnd, "op": "create", "name": nm,
                        "latency": seen[nm][1] - starts[nm], "cli": ends[nm] - starts[nm]})
    # delete
    t1, starts, ends, gone = run_phase(
        conn, prefix, n, parallel, timeout,
        [(nm, ["cinder", "delete", ids[nm]]) for nm in names],
        lambda status, deleted: bool(deleted))
    delete_wall = max(t for _, t in gone.values()) - t1
    for nm in names:
        records.append({"kind": "volume", "impl": impl, "round": rnd, "op": "delete", "name": nm,
                        "latency": gone[nm][1] - starts[nm], "cli": ends[nm] - starts[nm]})
    records.append({"kind": "batch", "impl": impl, "round": rnd, "create_wall": create_wall,
                    "delete_wall": delete_wall, "n": n})
    with open(out, "a") as f:
        for r in records:
            f.write(json.dumps(r) + "\n")
    c = sorted(r["latency"] for r in records if r.get("op") == "create")
    d = sorted(r["latency"] for r in records if r.get("op") == "delete")
    print("  %-6s round %d: create wall %.1f s (p50 %.1f s), delete wall %.1f s (p50 %.1f s)"
          % (impl, rnd, create_wall, pct(c, 50), delete_wall, pct(d, 50)), flush=True)


def floor(out, rnd):
    ops = {"create": [], "delete": []}
    for line in sys.stdin:
        parts = line.split()
        if len(parts) == 2 and parts[0] in ops:
            ops[parts[0]].append(int(parts[1]) / 1000.0)
    if not ops["create"] or len(ops["create"]) != len(ops["delete"]):
        raise RuntimeError("floor: bad output from the node: %r" % ops)
    with open(out, "a") as f:
        for op, vals in ops.items():
            for v in vals:
                f.write(json.dumps({"kind": "volume", "impl": "floor", "round": rnd, "op": op, "latency": v}) + "\n")
        f.write(json.dumps({"kind": "batch", "impl": "floor", "round": rnd, "create_wall": sum(ops["create"]),
                            "delete_wall": sum(ops["delete"]), "n": len(ops["create"])}) + "\n")
    print("  floor  round %d: lvcreate p50 %.2f s (loop %.1f s), lvremove p50 %.2f s (loop %.1f s)"
          % (rnd, pct(sorted(ops["create"]), 50), sum(ops["create"]),
             pct(sorted(ops["delete"]), 50), sum(ops["delete"])), flush=True)


def pct(sorted_vals, p):
    """Nearest-rank percentile."""
    if not sorted_vals:
        return float("nan")
    k = max(1, -(-p * len(sorted_vals) // 100))
    return sorted_vals[int(k) - 1]


def median(vals):
    s = sorted(vals)
    m = len(s) // 2
    return s[m] if len(s) % 2 else (s[m - 1] + s[m]) / 2


LABELS = {
    "java": "Java worker (`nodee@java`, EBSDriver)",
    "python": "Python cinder-volume (`nodee@python`, LVMVolumeDriver)",
    "floor": "floor: raw `lvcreate` / `lvremove -f` in the node",
}


def report(out, facts, result):
    rows = [json.loads(l) for l in open(out) if l.strip()]
    lines = []
    lines.append("| implementation | create p50 | create p95 | create max | delete p50 | delete p95 | delete max "
                 "| create batch wall | delete batch wall | `cinder` CLI call p50 (create / delete) |")
    lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    per_round = []
    for impl in ("java", "python", "floor"):
        vols = [r for r in rows if r["kind"] == "volume" and r["impl"] == impl]
        batches = [r for r in rows if r["kind"] == "batch" and r["impl"] == impl]
        if not vols:
            continue
        c = sorted(r["latency"] for r in vols if r["op"] == "create")
        d = sorted(r["latency"] for r in vols if r["op"] == "delete")
        cw = [b["create_wall"] for b in batches]
        dw = [b["delete_wall"] for b in batches]
        if impl == "floor":
            cli = "—"
        else:
            cc = sorted(r["cli"] for r in vols if r["op"] == "create")
            dc = sorted(r["cli"] for r in vols if r["op"] == "delete")
            cli = "%.2f / %.2f" % (pct(cc, 50), pct(dc, 50))
        lines.append("| %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.1f | %.1f | %s |" % (
            LABELS[impl], pct(c, 50), pct(c, 95), c[-1], pct(d, 50), pct(d, 95), d[-1],
            median(cw), median(dw), cli))
        per_round.append("- %s: create %s s; delete %s s" % (
            impl, ", ".join("%.1f" % x for x in cw), ", ".join("%.1f" % x for x in dw)))
    n = sorted({r["n"] for r in rows if r["kind"] == "batch"})
    rounds = sorted({r["round"] for r in rows if r["kind"] == "batch"})
    table = "\n".join(lines)
    text = (open(facts).read().rstrip() + "\n\n" + table + "\n\n"
            "Seconds. Latencies pooled over %d rounds x %s volumes per implementation (p95 nearest rank); "
            "batch walls are the median over the rounds (per round below; the floor's batch is the sum of its "
            "sequential loop).\n\nBatch walls per round (seconds):\n\n%s\n"
            % (len(rounds), "/".join(map(str, n)), "\n".join(per_round)))
    with open(result, "w") as f:
        f.write(text)
    print(text)


def main():
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    try:
        if cmd == "batch":
            out, impl, vtype, n, rnd, parallel, timeout = sys.argv[2:9]
            batch(out, impl, vtype, int(n), int(rnd), int(parallel), float(timeout))
        elif cmd == "floor":
            floor(sys.argv[2], int(sys.argv[3]))
        elif cmd == "report":
            report(*sys.argv[2:5])
        else:
            sys.stderr.write(__doc__)
            return 2
    except Exception as e:  # noqa: BLE001 - one loud line for the calling script
        sys.stderr.write("bench-volumes.py %s: FAILED: %s\n" % (cmd, e))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
