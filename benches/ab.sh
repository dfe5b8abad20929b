#!/usr/bin/env bash
# Two builds side by side: every figure of docs/performance.md for an old and a new commit,
# interleaved in one run on one machine, so that the machine's load falls on both alike.
#
#   benches/ab.sh build REV DIR       check REV out into DIR/tree and build its release
#                                     binaries there (snapback, the check and react benches)
#   benches/ab.sh run OLD NEW [PART]  run both builds; PART is any of check react c d e
#                                     (none means all); OLD and NEW are DIRs made by `build`
#
# Each benchmark binary reads its own tree (policies, corpus path, benches/gen.py), so a DIR
# keeps its tree. The builds share one target directory, so the SDK crates compile once.
# check: criterion medians of check/{serde_json,parse,check}, realistic/{serde_json,check} and
#   decide/{shipped,pack10x},
#   alternating old and new for three rounds; react: warm throughput against moto (criterion)
#   and time to first fix from a cold process, both binaries against one moto; c, d, e: as in
#   benches/scan.sh, with both binaries alternating.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
source scripts/env.sh
need_cargo

case "${1:-}" in
build)
  rev="$2" dir="$3"
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  if [ -d "$dir/tree" ]; then
    git -C "$dir/tree" checkout --quiet --detach "$(git rev-parse "$rev")"
  else
    git worktree add --detach "$dir/tree" "$rev"
  fi
  target="${SNAPBACK_RELEASE_TARGET_DIR:-$HOME/.cache/snapback/target-release}"
  (cd "$dir/tree" && CARGO_TARGET_DIR="$target" cargo build --release --bin snapback --bench check --bench react \
      --message-format=json-render-diagnostics) | python3 -c '
import json, shutil, sys
out = sys.argv[1]
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") != "compiler-artifact" or not m.get("executable"):
        continue
    name, kinds = m["target"]["name"], m["target"]["kind"]
    if "bin" in kinds and name == "snapback":
        shutil.copy2(m["executable"], f"{out}/snapback")
    elif "bench" in kinds and name in ("check", "react"):
        shutil.copy2(m["executable"], f"{out}/bench-{name}")
' "$dir"
  ls -l "$dir"
  ;;
run)
  old="$(cd "$2" && pwd)" new="$(cd "$3" && pwd)"
  shift 3
  want="${*:-check react c d e}"
  work="${SNAPBACK_BENCH_DIR:-$HOME/.cache/snapback/bench}"
  mkdir -p "$work"
  case " $want " in *" c "*)
    [ -d "$work/archive-64m" ] || python3 benches/gen.py archive "$work/archive-64m" --size-mib 64 ;;
  esac
  case " $want " in *" d "*)
    [ -d "$work/archive-1g" ] || python3 benches/gen.py archive "$work/archive-1g" --size-mib 1024 ;;
  esac
  case " $want " in *" react "*)
    source scripts/moto.sh
    export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1
    unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL
    moto_start ;;
  esac
  export SNAPBACK_CORPUS="${SNAPBACK_CORPUS:-$(cd "$root/../shared/corpus" && pwd)}"
  python3 - "$old" "$new" "$work" $want <<'PY'
import json, os, re, shutil, statistics, subprocess, sys, tempfile, time, urllib.request
sys.path.insert(0, "benches")
import common
old, new, work, want = sys.argv[1], sys.argv[2], sys.argv[3], set(sys.argv[4:])
builds = {"old": old, "new": new}
rounds = 3

def ratio(label, unit, runs):
    o, n = statistics.median(runs["old"]), statistics.median(runs["new"])
    fmt = lambda xs: ", ".join(f"{x:.4g}" for x in xs)
    print(f"{label}: old median {o:.4g} {unit} [{fmt(runs['old'])}], new median {n:.4g} {unit} "
          f"[{fmt(runs['new'])}]: new/old {n / o:.3f}", flush=True)

def criterion(build, binary, filt, extra=()):
    """Criterion medians (ms) by benchmark id, from one run of a bench binary."""
    home = tempfile.mkdtemp(prefix="snapback-ab-criterion-")
    out = subprocess.run([os.path.join(builds[build], binary), "--bench", filt, "--noplot",
                          "--warm-up-time", "1", "--measurement-time", "4", *extra],
                         cwd=os.path.join(builds[build], "tree"), capture_output=True, text=True,
                         env={**os.environ, "CRITERION_HOME": home})
    shutil.rmtree(home, ignore_errors=True)
    assert out.returncode == 0, out.stderr[-2000:]
    medians, current = {}, None
    scale = {"ns": 1e-6, "µs": 1e-3, "us": 1e-3, "ms": 1.0, "s": 1e3}
    for line in out.stdout.splitlines():
        head = line.split("time:")[0].strip()
        if head and not line.startswith(" "):
            current = head
        m = re.search(r"time:\s+\[\S+ \S+ (\S+) (\S+) \S+ \S+\]", line)
        if m and current:
            medians[current] = float(m.group(1)) * scale[m.group(2)]
    return medians

def check():
    ids = ["check/serde_json", "check/parse", "check/check", "realistic/serde_json",
           "realistic/check", "decide/shipped", "decide/pack10x"]
    runs = {i: {"old": [], "new": []} for i in ids}
    for _ in range(rounds):
        for build in builds:
            got = criterion(build, "bench-check", "^(check|realistic|decide)/")
            for i in ids:
                runs[i][build].append(got[i])
    for i in ids:
        ratio(i, "ms", runs[i])
    for build in builds:
        a = [c / s for c, s in zip(runs["check/check"][build], runs["check/serde_json"][build])]
        m = [c / s for c, s in zip(runs["realistic/check"][build], runs["realistic/serde_json"][build])]
        b = [l / s for l, s in zip(runs["decide/pack10x"][build], runs["decide/shipped"][build])]
        print(f"{build}: a = check/check over check/serde_json per round {[round(x, 2) for x in a]}, "
              f"m = realistic/check over realistic/serde_json per round {[round(x, 2) for x in m]}, "
              f"b = decide/pack10x over decide/shipped per round {[round(x, 2) for x in b]}")

def react():
    ep = os.environ["SNAPBACK_TEST_ENDPOINT"]
    # The bench creates its bucket and trails; moto forgets everything between runs.
    reset = lambda: urllib.request.urlopen(urllib.request.Request(ep + "/moto-api/reset", method="POST")).read()
    runs = {"old": [], "new": []}
    for _ in range(rounds):
        for build in builds:
            reset()
            runs[build].append(criterion(build, "bench-react", "react/")["react/revert_stop_logging"])
    ratio("react: 20 verified reverts (warm)", "ms", runs)
    reset()
    common.trail(ep, "ab-cold", "snapback-ab-cold")
    cold = {"old": [], "new": []}
    dead = tempfile.mkdtemp(prefix="snapback-ab-dl-")
    for i in range(15):
        for build in builds:
            common.cloudtrail(ep, "StopLogging", {"Name": "ab-cold"})
            start = time.perf_counter()
            out = subprocess.run([os.path.join(builds[build], "snapback"), "react", "--mode", "enforce",
                                  "--endpoint-url", ep, "--dead-letter", dead, "-"],
                                 cwd=os.path.join(builds[build], "tree"),
                                 input=common.stop_logging_event(f"ab-cold-{build}-{i}", "ab-cold"),
                                 capture_output=True)
            cold[build].append((time.perf_counter() - start) * 1000)
            assert json.loads(out.stdout)["remediation"]["status"] == "applied", out
    shutil.rmtree(dead)
    ratio("react: time to first fix, cold process (15 runs each)", "ms", cold)

def scan(build, args, archive):
    return common.scan(os.path.join(builds[build], "snapback"), args, archive,
                       cwd=os.path.join(builds[build], "tree"))

def c():
    small = os.path.join(work, "archive-64m")
    runs = {(b, t): [] for b in builds for t in (1, 2)}
    for _ in range(rounds):
        for build in builds:
            for threads in (1, 2):
                took, events = scan(build, ["--threads", str(threads)], small)
                runs[(build, threads)].append(took)
    for threads in (1, 2):
        ratio(f"c. scan 64 MiB ({events} events), {threads} thread(s)", "s",
              {b: runs[(b, threads)] for b in builds})
    for build in builds:
        t1, t2 = statistics.median(runs[(build, 1)]), statistics.median(runs[(build, 2)])
        print(f"c. {build}: 1 thread over 2 threads {t1 / t2:.2f}x")

def d():
    big = os.path.join(work, "archive-1g")
    rss, took = {}, {}
    for build in builds:
        # Each scan in a child of its own, so that ru_maxrss is that scan's alone.
        out = subprocess.run([sys.executable, "-c", """
import os, resource, subprocess, sys, time
start = time.perf_counter()
p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=os.environ["TREE"])
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, p.returncode)
""", os.path.join(builds[build], "snapback"), "scan", "--no-progress", "--violations-only", big],
            capture_output=True, text=True, env={**os.environ, "TREE": os.path.join(builds[build], "tree")})
        secs, kib, code = out.stdout.split()
        assert code in ("0", "2"), out
        took[build], rss[build] = float(secs), int(kib) / 1024
    print(f"d. 1 GiB scan, --violations-only: old {took['old']:.1f} s, peak RSS {rss['old']:.1f} MiB; "
          f"new {took['new']:.1f} s, peak RSS {rss['new']:.1f} MiB: RSS new/old {rss['new'] / rss['old']:.3f}")

def e():
    event = common.COLD_CHECK_EVENT
    edited = {build: common.edited_pack(os.path.join(builds[build], "tree", "policies"),
                                        prefix=f"snapback-ab-edited-{build}-")
              for build in builds}
    runs = {(b, p): [] for b in builds for p in ("shipped", "edited")}
    for _ in range(21):
        for build in builds:
            for pack, path in (("shipped", "policies"), ("edited", edited[build])):
                start = time.perf_counter()
                p = subprocess.Popen([os.path.join(builds[build], "snapback"), "check", "--policies", path, "-"],
                                     cwd=os.path.join(builds[build], "tree"), stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
                p.stdin.write(event)
                p.stdin.close()
                line = p.stdout.readline()
                runs[(build, pack)].append((time.perf_counter() - start) * 1000)
                p.wait()
                assert json.loads(line)["decision"] == "non_compliant", line
    for path in edited.values():
        shutil.rmtree(path)
    for pack in ("shipped", "edited"):
        ratio(f"e. cold start to first decision, {pack} pack (21 runs each)", "ms",
              {b: runs[(b, pack)] for b in builds})

for name, run in (("check", check), ("react", react), ("c", c), ("d", d), ("e", e)):
    if name in want:
        run()
PY
  ;;
*)
  sed -n '2,16p' "$0"
  exit 2
  ;;
esac
