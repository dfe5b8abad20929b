#!/usr/bin/env bash
# scan at scale (docs/performance.md, targets c, d and e), on a release build:
#  c. throughput from 1 to 2 threads: `snapback scan --threads 1|2` over a 64 MiB archive,
#     alternating, 3 runs each, medians and their ratio;
#  d. peak RSS scanning a 1 GiB (gzip) archive with every core;
#  e. cold start: from process start to the first decision record on stdout, `snapback check`
#     with the full pack on one event, 21 runs, median.
# `benches/scan.sh e` runs only e (any of c, d, e may be named; none means all).
# The archives are generated once by benches/gen.py into $SNAPBACK_BENCH_DIR
# (default ~/.cache/snapback/bench); the 1 GiB one copies 24 distinct files (scan reads a file
# reached through several hard links once), so it takes 1 GiB of disk.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
need_cargo
# The same build as the criterion benches, so that the SDK crates compile once.
cargo build --release --quiet --bins --benches
bin="$CARGO_TARGET_DIR/release/snapback"
work="${SNAPBACK_BENCH_DIR:-$HOME/.cache/snapback/bench}"
mkdir -p "$work"
want="${*:-c d e}"
case " $want " in *" c "*)
  [ -d "$work/archive-64m" ] || python3 benches/gen.py archive "$work/archive-64m" --size-mib 64 ;;
esac
case " $want " in *" d "*)
  [ -d "$work/archive-1g" ] || python3 benches/gen.py archive "$work/archive-1g" --size-mib 1024 ;;
esac

python3 - "$bin" "$work" $want <<'PY'
import json, os, resource, shutil, statistics, subprocess, sys, time
sys.path.insert(0, "benches")
import common
binary, work, want = sys.argv[1], sys.argv[2], set(sys.argv[3:])

def scan(args, archive):
    return common.scan(binary, args, archive)

def c():
    """Scaling from 1 to 2 threads, every record printed (as a user scanning would)."""
    small = os.path.join(work, "archive-64m")
    runs = {1: [], 2: []}
    for _ in range(3):
        for threads in (1, 2):
            took, events = scan(["--threads", str(threads)], small)
            runs[threads].append(took)
    t1, t2 = statistics.median(runs[1]), statistics.median(runs[2])
    print(f"c. scan, {events} events (64 MiB gzip): 1 thread median {t1:.2f} s "
          f"({events / t1:,.0f} events/s), 2 threads median {t2:.2f} s ({events / t2:,.0f} events/s): "
          f"{t1 / t2:.2f}x (runs: 1 thread {[round(t, 2) for t in runs[1]]}, 2 threads {[round(t, 2) for t in runs[2]]})")

def d():
    """Peak memory over the 1 GiB archive, every core, violations only (a realistic sweep)."""
    big = os.path.join(work, "archive-1g")
    size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(big) for f in fs)
    took, events = scan(["--violations-only"], big)
    rss_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"d. scan of {size / 2**30:.2f} GiB of gzip ({events:,} events) in {took:.1f} s "
          f"({events / took:,.0f} events/s): peak RSS {rss_kib / 1024:.1f} MiB")

def e():
    """Cold start to the first decision, full pack, one event on stdin: the shipped pack (the
    build validated it, so loading skips the validator) and the same pack with one policy
    edited (validated at load, as any pack the build has not seen)."""
    event = common.COLD_CHECK_EVENT
    edited = common.edited_pack("policies")
    runs = {"policies": [], edited: []}
    for _ in range(21):
        for pack in runs:
            start = time.perf_counter()
            p = subprocess.Popen([binary, "check", "--policies", pack, "-"], stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            p.stdin.write(event)
            p.stdin.close()
            line = p.stdout.readline()
            runs[pack].append(time.perf_counter() - start)
            p.wait()
            assert json.loads(line)["decision"] == "non_compliant", line
    shutil.rmtree(edited)
    for label, times in (("shipped pack, validated at build", runs["policies"]),
                         ("edited pack, validated at load", runs[edited])):
        print(f"e. cold start to first decision (35 policies, {label}): median "
              f"{statistics.median(times) * 1000:.1f} ms over {len(times)} runs "
              f"(min {min(times) * 1000:.1f}, max {max(times) * 1000:.1f})")

for name, run in (("c", c), ("d", d), ("e", e)):
    if name in want:
        run()
PY
