#!/usr/bin/env python3
"""Times `latchkey request` against `curl` with the same token on the same loopback endpoint.

Both run RUNS times, interleaved (curl, latchkey, curl, ...), against the testkit echo server
(`/bytes/256`). Prints the median and p90 wall time of each and the ratio of medians.
Release binaries are built first. The vault key is kept in a file (LATCHKEY_KEYRING=off) so
the figure does not depend on a desktop keyring being present.
"""
import json, os, shutil, statistics, subprocess, sys, tempfile, time

RUNS = int(os.environ.get("RUNS", "40"))
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
subprocess.run(["cargo", "build", "--release", "--locked", "-p", "latchkey-cli", "-p", "latchkey-testkit", "--bins"], cwd=root, check=True)
target = os.environ.get("CARGO_TARGET_DIR", os.path.join(root, "target"))
latchkey = os.path.join(target, "release", "latchkey")
echo = os.path.join(target, "release", "echo-server")
curl = shutil.which("curl") or sys.exit("curl is needed: apt-get install curl")

server = subprocess.Popen([echo, "--port", "0"], stdout=subprocess.PIPE, text=True)
try:
    base = server.stdout.readline().strip()
    data = tempfile.mkdtemp(prefix="latchkey-bench-")
    env = dict(os.environ, LATCHKEY_DATA_DIR=data, LATCHKEY_KEYRING="off")
    token = "bench-token-0123456789abcdef"
    ds = {"name": "Bench", "url": base, "auth": {"type": "bearer", "token": token}}
    subprocess.run([latchkey, "datasource", "import", "-"], input=json.dumps(ds), text=True, env=env, check=True, capture_output=True)
    commands = {
        "curl": [curl, "-sS", "-o", "/dev/null", "-H", f"Authorization: Bearer {token}", f"{base}/bytes/256"],
        "latchkey": [latchkey, "request", "Bench", "/bytes/256"],
    }
    times = {name: [] for name in commands}
    for name, cmd in commands.items():  # warm up caches once
        subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
    for _ in range(RUNS):
        for name, cmd in commands.items():
            start = time.perf_counter_ns()
            subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
            times[name].append((time.perf_counter_ns() - start) / 1e6)
    print(f"{'command':10} {'median ms':>10} {'p90 ms':>8}   ({RUNS} interleaved runs each)")
    for name, values in times.items():
        p90 = sorted(values)[int(len(values) * 0.9) - 1]
        print(f"{name:10} {statistics.median(values):10.2f} {p90:8.2f}")
    ratio = statistics.median(times["latchkey"]) / statistics.median(times["curl"])
    print(f"ratio latchkey/curl (medians): {ratio:.2f}  (target <= 1.3)")
    shutil.rmtree(data, ignore_errors=True)
finally:
    server.kill()
