#!/usr/bin/env python3
"""Times `latchkey request` against `curl` (the floor) and Bruno's CLI with the same token on the
same loopback endpoint, and measures each one's peak memory.

Each command runs RUNS times, interleaved (curl, latchkey, bru, curl, ...), against the testkit
echo server (`/bytes/256`, Authorization: Bearer). Prints the median and p90 wall time and the peak
RSS of each, and the ratios. Peak RSS comes from GNU time (`%M`, apt package `time`) in 5 further
runs, not from this script's own rusage: a child forked from Python starts out with Python's
resident pages, which the kernel counts in the child's maximum.
Release binaries are built first. The vault key is kept in a file (LATCHKEY_KEYRING=off) so the
figure does not depend on a desktop keyring being present.

Bruno: `bru` from $BRU, else from the cache below; `--bru` installs `@usebruno/cli` there with npm
first. Bruno runs the same GET from a one-request collection with `auth: bearer` and the same
token as an environment variable (its CLI gets the token passed in, like curl; latchkey reads its
cached token from the vault).
"""
import json, os, shutil, statistics, subprocess, sys, tempfile, time

RUNS = int(os.environ.get("RUNS", "40"))
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
bru_home = os.path.join(os.path.expanduser("~"), ".cache", "latchkey", "bench-bru")
bru = os.environ.get("BRU") or os.path.join(bru_home, "node_modules", ".bin", "bru")
if "--bru" in sys.argv[1:] and not os.path.exists(bru):
    os.makedirs(bru_home, exist_ok=True)
    print("installing @usebruno/cli for the comparison", file=sys.stderr)
    subprocess.run(["npm", "install", "--prefix", bru_home, "--no-audit", "--no-fund", "--loglevel=error", "@usebruno/cli"], check=True)
subprocess.run(["cargo", "build", "--release", "--locked", "-p", "latchkey-cli", "-p", "latchkey-testkit", "--bins"], cwd=root, check=True)
target = os.environ.get("CARGO_TARGET_DIR", os.path.join(root, "target"))
latchkey = os.path.join(target, "release", "latchkey")
echo = os.path.join(target, "release", "echo-server")
curl = shutil.which("curl") or sys.exit("curl is needed: apt-get install curl")
gnu_time = "/usr/bin/time" if os.path.exists("/usr/bin/time") else sys.exit("GNU time is needed: apt-get install time")

BRU_REQUEST = """meta {
  name: bytes
  type: http
  seq: 1
}

get {
  url: {{base}}/bytes/256
  body: none
  auth: bearer
}

auth:bearer {
  token: {{token}}
}
"""


def run(cmd, env, cwd=None):
    """Runs `cmd` to completion; returns its wall time in ms."""
    start = time.perf_counter_ns()
    subprocess.run(cmd, env=env, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return (time.perf_counter_ns() - start) / 1e6


def peak_rss(cmd, env, cwd=None):
    """The peak RSS of `cmd` in MiB, as GNU time reports it."""
    with tempfile.NamedTemporaryFile("r") as out:
        subprocess.run([gnu_time, "-f", "%M", "-o", out.name, *cmd], env=env, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return int(out.read().split()[-1]) / 1024


server = subprocess.Popen([echo, "--port", "0"], stdout=subprocess.PIPE, text=True)
data = tempfile.mkdtemp(prefix="latchkey-bench-")
try:
    base = server.stdout.readline().strip()
    env = dict(os.environ, LATCHKEY_DATA_DIR=data, LATCHKEY_KEYRING="off")
    token = "bench-token-0123456789abcdef"
    ds = {"name": "Bench", "url": base, "auth": {"type": "bearer", "token": token}}
    subprocess.run([latchkey, "datasource", "import", "-"], input=json.dumps(ds), text=True, env=env, check=True, capture_output=True)
    commands = {
        "curl": ([curl, "-sS", "-o", "/dev/null", "-H", f"Authorization: Bearer {token}", f"{base}/bytes/256"], None),
        "latchkey": ([latchkey, "request", "Bench", "/bytes/256"], None),
    }
    if os.path.exists(bru):
        collection = os.path.join(data, "bruno")
        os.makedirs(collection)
        with open(os.path.join(collection, "bruno.json"), "w") as f:
            json.dump({"version": "1", "name": "bench", "type": "collection"}, f)
        with open(os.path.join(collection, "bytes.bru"), "w") as f:
            f.write(BRU_REQUEST)
        commands["bru"] = ([bru, "run", "bytes.bru", "--env-var", f"base={base}", "--env-var", f"token={token}"], collection)
    else:
        print("(bru not found: run with --bru to include Bruno's CLI)", file=sys.stderr)
    times = {name: [] for name in commands}
    rss = {name: 0.0 for name in commands}
    for name, (cmd, cwd) in commands.items():  # warm up caches once
        run(cmd, env, cwd)
    for _ in range(RUNS):
        for name, (cmd, cwd) in commands.items():
            times[name].append(run(cmd, env, cwd))
    for _ in range(5):
        for name, (cmd, cwd) in commands.items():
            rss[name] = max(rss[name], peak_rss(cmd, env, cwd))
    print(f"{'command':10} {'median ms':>10} {'p90 ms':>8} {'peak RSS MiB':>13}   ({RUNS} interleaved runs each)")
    for name, values in times.items():
        p90 = sorted(values)[int(len(values) * 0.9) - 1]
        print(f"{name:10} {statistics.median(values):10.2f} {p90:8.2f} {rss[name]:13.1f}")
    med = {name: statistics.median(values) for name, values in times.items()}
    print(f"latchkey/curl: time {med['latchkey'] / med['curl']:.2f} (target <= 1.3), RSS {rss['latchkey'] / rss['curl']:.2f} (target <= 2)")
    if "bru" in med:
        print(f"bru/latchkey: time {med['bru'] / med['latchkey']:.0f}x (target >= 10x)")
finally:
    server.kill()
    shutil.rmtree(data, ignore_errors=True)
