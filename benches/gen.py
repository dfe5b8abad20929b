#!/usr/bin/env python3
"""Synthetic inputs for snapback's scan benchmarks (docs/performance.md).

  benches/gen.py pack    OUT_DIR [--factor 10]
      The shipped pack plus synthetic policies on synthetic actions (`synthetic:OpNNNN`,
      declared in a copy of the schema), so that the pack has FACTOR times as many policies,
      none of which concerns a real event. Each reads request parameters with getTag.

  benches/gen.py archive OUT_DIR [--size-mib 1024] [--unique 24] [--events-per-file 4000]
      A CloudTrail archive, AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/*.json.gz, of
      real-shaped events: every record of the third-party corpus (../shared/corpus) used as a
      template, with fresh event ids, times, accounts, regions and source addresses. UNIQUE
      distinct files are written; the rest of the archive, up to SIZE_MIB of gzip, copies
      them under further days. Copies, not hard links: `scan` reads a file reached through
      several links once (a second link is skipped with a warning), as it must for a real
      archive, so hard links would shrink the archive it reads to the unique files.

Only the Python standard library is used.
"""

import argparse
import gzip
import json
import os
import random
import shutil
import sys
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRINCIPALS = ("Root, IAMUser, AssumedRole, FederatedUser, AWSService, AWSAccount, "
              "IdentityCenterUser, SAMLUser, WebIdentityUser, UnknownIdentity")


def gen_pack(out: Path, factor: int) -> None:
    src = ROOT / "policies"
    out.mkdir(parents=True, exist_ok=True)
    shipped = sorted(src.glob("*.cedar"))
    for f in shipped:
        shutil.copy(f, out / f.name)
    if (src / "entities.json").exists():
        shutil.copy(src / "entities.json", out / "entities.json")
    extra = len(shipped) * (factor - 1)
    actions = [f"synthetic:Op{i:04d}" for i in range(extra)]
    schema = (src / "snapback.cedarschema").read_text()
    end = schema.rstrip().rfind("}")
    decl = ['  action "synthetic";']
    for i in range(0, len(actions), 50):
        chunk = ", ".join(f'"{a}"' for a in actions[i:i + 50])
        decl.append(f'  action {chunk}\n    in ["synthetic"] appliesTo {{\n'
                    f'      principal: [{PRINCIPALS}],\n      resource: [Account],\n'
                    f'      context: Context,\n    }};')
    (out / "snapback.cedarschema").write_text(
        schema[:end] + "\n".join(decl) + "\n" + schema[end:])
    for i, action in enumerate(actions):
        (out / f"synthetic-{i:04d}.cedar").write_text(
            f'@id("synthetic-{i:04d}")\n@severity("low")\n@mode("audit")\n'
            f'@description("Synthetic policy {i} for the pack-size benchmark")\n'
            f'forbid (\n  principal,\n  action == Aws::Action::"{action}",\n  resource\n)\n'
            f'when {{\n  context.params.hasTag("setting{i % 7}") &&\n'
            f'  context.params.getTag("setting{i % 7}") == "off"\n}}\n'
            f'unless {{\n  principal.sessionIssuerArn like "arn:aws:iam::*:role/snapback-break-glass"\n}};\n')
    print(f"{len(shipped) + extra} policies ({extra} synthetic) in {out}", file=sys.stderr)


def templates(corpus: Path) -> list:
    """Every CloudTrail record in the corpus, unwrapped from its envelope."""
    out = []
    for path in sorted(corpus.rglob("*.json")):
        try:
            value = json.loads(path.read_text())
        except (ValueError, UnicodeDecodeError):
            continue
        for v in (value if isinstance(value, list) else [value]):
            if not isinstance(v, dict):
                continue
            if isinstance(v.get("Records"), list):
                out.extend(r for r in v["Records"] if isinstance(r, dict))
            elif isinstance(v.get("detail"), dict):
                out.append(v["detail"])
            elif isinstance(v.get("CloudTrailEvent"), str):
                try:
                    out.append(json.loads(v["CloudTrailEvent"]))
                except ValueError:
                    pass
            elif "eventName" in v:
                out.append(v)
    return [t for t in out if "eventName" in t]


def gen_archive(out: Path, size_mib: int, unique: int, per_file: int, corpus: Path) -> None:
    rng = random.Random(42)
    base = templates(corpus)
    if not base:
        sys.exit(f"no CloudTrail records under {corpus}")
    accounts = ["111122223333", "444455556666", "777788889999"]
    regions = ["us-east-1", "eu-west-1", "ap-southeast-2"]
    written = []
    for n in range(unique):
        account, region = accounts[n % len(accounts)], regions[(n // 3) % len(regions)]
        day = 1 + n % 28
        records = []
        for k in range(per_file):
            r = dict(rng.choice(base))
            r["eventID"] = str(uuid.UUID(int=rng.getrandbits(128)))
            r["eventTime"] = f"2026-10-{day:02d}T{k * 86400 // per_file // 3600:02d}:" \
                             f"{k * 86400 // per_file // 60 % 60:02d}:{k % 60:02d}Z"
            r["recipientAccountId"] = account
            r["awsRegion"] = region
            r["sourceIPAddress"] = f"203.0.{rng.randrange(256)}.{rng.randrange(256)}"
            records.append(r)
        d = out / "AWSLogs" / account / "CloudTrail" / region / "2026" / "10" / f"{day:02d}"
        d.mkdir(parents=True, exist_ok=True)
        f = d / f"{account}_CloudTrail_{region}_20261{day:03d}T0000Z_{n:04d}.json.gz"
        with gzip.open(f, "wb", compresslevel=6) as z:
            z.write(json.dumps({"Records": records}, separators=(",", ":")).encode())
        written.append(f)
    total = sum(f.stat().st_size for f in written)
    copies, month = 0, 11
    while total < size_mib * 1024 * 1024:
        for f in written:
            if total >= size_mib * 1024 * 1024:
                break
            rel = f.relative_to(out).parts
            month_dir = 11 + copies // (len(written) * 28)
            target = out.joinpath(*rel[:4], f"{2026 + (month_dir - 1) // 12}",
                                  f"{(month_dir - 1) % 12 + 1:02d}",
                                  f"{1 + copies % 28:02d}", f"c{copies:06d}_{rel[-1]}")
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.exists():
                shutil.copyfile(f, target)
            total += f.stat().st_size
            copies += 1
    print(f"{len(written)} unique files ({len(base)} templates, {per_file} events each), "
          f"{len(written) + copies} files, {total / 2**20:.0f} MiB of gzip in {out}",
          file=sys.stderr)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="what", required=True)
    pk = sub.add_parser("pack")
    pk.add_argument("out", type=Path)
    pk.add_argument("--factor", type=int, default=10)
    ar = sub.add_parser("archive")
    ar.add_argument("out", type=Path)
    ar.add_argument("--size-mib", type=int, default=1024)
    ar.add_argument("--unique", type=int, default=24)
    ar.add_argument("--events-per-file", type=int, default=4000)
    ar.add_argument("--corpus", type=Path,
                    default=Path(os.environ.get("SNAPBACK_CORPUS", ROOT.parent / "shared" / "corpus")))
    a = p.parse_args()
    if a.what == "pack":
        gen_pack(a.out, a.factor)
    else:
        gen_archive(a.out, a.size_mib, a.unique, a.events_per_file, a.corpus)


if __name__ == "__main__":
    main()
