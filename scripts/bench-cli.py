#!/usr/bin/env python3
"""Times `latchkey request` against `curl` (the floor) and Bruno's CLI on the same loopback
endpoint, and measures each one's peak memory.

Each command runs RUNS times, interleaved (curl, latchkey, bru, curl, ...), against the testkit
echo server (`/bytes/256`, Authorization: Bearer). Prints the median and p90 wall time and the peak
RSS of each, and the ratios. Peak RSS comes from GNU time (`%M`, apt package `time`) in 5 further
runs, not from this script's own rusage: a child forked from Python starts out with Python's
resident pages, which the kernel counts in the child's maximum.
Release binaries are built first. The vault key is kept in a file (LATCHKEY_KEYRING=off) so the
figure does not depend on a desktop keyring being present.

The token comes from OAuth 2.0 client credentials: the test provider (`oidc-provider`,
tests/oauth/provider.mjs, client `cc-post`; needs scripts/setup.sh) is the token endpoint. The
latchkey datasource uses client credentials against it; `latchkey authorize` fetches the token
once and every timed run reads it from the vault. curl gets that same token (`latchkey token
--reveal`) on its command line.

Bruno: `bru` from $BRU, else from the cache below; `--bru` installs `@usebruno/cli` there with npm
first. Bruno runs the same GET from a one-request collection in two variants:
  bru (oauth2 cc)         `auth:oauth2` with `grant_type: client_credentials` against the same
                          token endpoint: bru fetches its own token. Its OAuth 2.0 token store is
                          in memory only, so every `bru run` (a new process) fetches a new token;
                          there is no cache between runs as latchkey has in its vault.
  bru (bearer passed in)  `auth: bearer` with latchkey's token as an env var, like curl.
Before timing, the script proves that bru really fetches the token: the oauth2 request, sent to the
provider's protected `/api/whoami`, must pass with the right client secret and fail (the token
endpoint answers invalid_client, then the API 401) with a wrong one. During the runs it counts the
token-endpoint calls each command caused and prints them.
"""
import json, os, shutil, statistics, subprocess, sys, tempfile, threading, time, urllib.request

RUNS = int(os.environ.get("RUNS", "40"))
RSS_RUNS = 5
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
bru_home = os.path.join(os.path.expanduser("~"), ".cache", "latchkey", "bench-bru")
bru = os.environ.get("BRU") or os.path.join(bru_home, "node_modules", ".bin", "bru")
if "--bru" in sys.argv[1:] and not os.path.exists(bru):
    os.makedirs(bru_home, exist_ok=True)
    print("installing @usebruno/cli for the comparison", file=sys.stderr)
    subprocess.run(["npm", "install", "--prefix", bru_home, "--no-audit", "--no-fund", "--loglevel=error", "@usebruno/cli"], check=True)
if not os.path.isdir(os.path.join(root, "node_modules", "oidc-provider")):
    sys.exit("oidc-provider is not installed (the token endpoint): run scripts/setup.sh first")
subprocess.run(["cargo", "build", "--release", "--locked", "-p", "latchkey-cli", "-p", "latchkey-testkit", "--bins"], cwd=root, check=True)
target = os.environ.get("CARGO_TARGET_DIR", os.path.join(root, "target"))
latchkey = os.path.join(target, "release", "latchkey")
echo = os.path.join(target, "release", "echo-server")
curl = shutil.which("curl") or sys.exit("curl is needed: apt-get install curl")
gnu_time = "/usr/bin/time" if os.path.exists("/usr/bin/time") else sys.exit("GNU time is needed: apt-get install time")

# A client credentials client of tests/oauth/provider.mjs that sends its secret in the form body
# (bru's Basic header does not form-encode the secret first as RFC 6749 §2.3.1 requires, and the
# other client's secret has characters that need it).
CLIENT_ID, CLIENT_SECRET = "cc-post", "post secret/+:%&"
BRU_CC, BRU_BEARER = "bru (oauth2 cc)", "bru (bearer passed in)"


def bru_request(url, auth):
    """A one-request .bru file: GET `url` with the `auth` block(s) given."""
    mode = "oauth2" if auth.startswith("auth:oauth2") else "bearer"
    return f"meta {{\n  name: bench\n  type: http\n  seq: 1\n}}\n\nget {{\n  url: {url}\n  body: none\n  auth: {mode}\n}}\n\n{auth}"


def bru_oauth2(token_url, secret):
    return f"""auth:oauth2 {{
  grant_type: client_credentials
  access_token_url: {token_url}
  client_id: {CLIENT_ID}
  client_secret: {secret}
  scope: api:read
  credentials_placement: body
  token_placement: header
  token_header_prefix: Bearer
}}
"""


BRU_BEARER_AUTH = "auth:bearer {\n  token: {{token}}\n}\n"
BRU_ASSERT_200 = "\nassert {\n  res.status: eq 200\n}\n"


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


def start_provider():
    """tests/oauth/provider.mjs with day-long tokens; returns (process, issuer, its output)."""
    env = dict(os.environ, PROVIDER_ACCESS_TTL="86400")
    proc = subprocess.Popen(["node", os.path.join(root, "tests", "oauth", "provider.mjs")], cwd=root, env=env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first = proc.stdout.readline()
    log = [first]
    # Keep reading both streams: a full pipe would block the provider.
    for stream in (proc.stdout, proc.stderr):
        threading.Thread(target=log.extend, args=(stream,), daemon=True).start()
    try:
        return proc, json.loads(first)["issuer"], log
    except ValueError:
        proc.kill()
        sys.exit(f"the provider did not start; it printed: {first!r}")


no_proxy = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback only


def provider_stats():
    try:
        with no_proxy.open(f"{issuer}/test/stats", timeout=10) as resp:
            return json.load(resp)
    except OSError as e:
        sys.exit(f"the provider is gone ({e}); it printed:\n{''.join(provider_log)}")


def token_calls():
    return provider_stats()["calls"].get("token:client_credentials", 0)


server = subprocess.Popen([echo, "--port", "0"], stdout=subprocess.PIPE, text=True)
provider, issuer, provider_log = start_provider()
data = tempfile.mkdtemp(prefix="latchkey-bench-")
try:
    base = server.stdout.readline().strip()
    env = dict(os.environ, LATCHKEY_DATA_DIR=data, LATCHKEY_KEYRING="off")
    token_url = f"{issuer}/token"
    ds = {"name": "Bench", "url": base, "auth": {
        "type": "oauth2", "grantType": "client_credentials", "accessTokenUrl": token_url,
        "clientId": CLIENT_ID, "clientSecret": CLIENT_SECRET, "clientAuthentication": "body", "scopes": ["api:read"]}}
    subprocess.run([latchkey, "datasource", "import", "-"], input=json.dumps(ds), text=True, env=env, check=True, capture_output=True)
    subprocess.run([latchkey, "authorize", "Bench"], env=env, check=True, capture_output=True)
    token = subprocess.run([latchkey, "token", "Bench", "--reveal"], env=env, check=True, capture_output=True, text=True).stdout.strip()
    commands = {
        "curl": ([curl, "-sS", "-o", "/dev/null", "-H", f"Authorization: Bearer {token}", f"{base}/bytes/256"], None),
        "latchkey": ([latchkey, "request", "Bench", "/bytes/256"], None),
    }
    if os.path.exists(bru):
        collection = os.path.join(data, "bruno")
        os.makedirs(collection)
        files = {
            "bytes-cc.bru": bru_request(f"{base}/bytes/256", bru_oauth2(token_url, CLIENT_SECRET)),
            "bytes-bearer.bru": bru_request(f"{base}/bytes/256", BRU_BEARER_AUTH),
            # The proof: the provider's /api/whoami answers 200 only to a live token of its own.
            "whoami-cc.bru": bru_request(f"{issuer}/api/whoami", bru_oauth2(token_url, CLIENT_SECRET) + BRU_ASSERT_200),
            "whoami-wrong-secret.bru": bru_request(f"{issuer}/api/whoami", bru_oauth2(token_url, "not the secret") + BRU_ASSERT_200),
        }
        with open(os.path.join(collection, "bruno.json"), "w") as f:
            json.dump({"version": "1", "name": "bench", "type": "collection"}, f)
        for name, text in files.items():
            with open(os.path.join(collection, name), "w") as f:
                f.write(text)
        version = subprocess.run([bru, "--version"], capture_output=True, text=True).stdout.strip()
        before = token_calls()
        right = subprocess.run([bru, "run", "whoami-cc.bru"], cwd=collection, env=env, capture_output=True, text=True)
        after_right = token_calls()
        wrong = subprocess.run([bru, "run", "whoami-wrong-secret.bru"], cwd=collection, env=env, capture_output=True, text=True)
        refused = [e for e in provider_stats()["errors"] if e.get("route") == "token" and e.get("error") == "invalid_client"]
        if right.returncode != 0 or after_right - before != 1 or wrong.returncode == 0 or not refused:
            sys.exit(f"bru {version} did not fetch its own token as expected:\n--- right secret (exit {right.returncode}, "
                     f"{after_right - before} token calls):\n{right.stdout}{right.stderr}\n--- wrong secret (exit {wrong.returncode}):\n{wrong.stdout}{wrong.stderr}")
        print(f"bru {version} fetches its own token (auth:oauth2, grant_type client_credentials): the provider's /api/whoami "
              f"answered 200 with the right client secret (1 token call), 401 with a wrong one (token endpoint: invalid_client)")
        commands[BRU_CC] = ([bru, "run", "bytes-cc.bru"], collection)
        commands[BRU_BEARER] = ([bru, "run", "bytes-bearer.bru", "--env-var", f"token={token}"], collection)
    else:
        print("(bru not found: run with --bru to include Bruno's CLI)", file=sys.stderr)
    times = {name: [] for name in commands}
    rss = {name: 0.0 for name in commands}
    calls = {name: 0 for name in commands}  # token-endpoint calls during the timed and RSS runs

    def counted(measure, name, cmd, cwd):
        before = token_calls()
        value = measure(cmd, env, cwd)
        calls[name] += token_calls() - before
        return value

    for name, (cmd, cwd) in commands.items():  # warm up caches once
        run(cmd, env, cwd)
    for _ in range(RUNS):
        for name, (cmd, cwd) in commands.items():
            times[name].append(counted(run, name, cmd, cwd))
    for _ in range(RSS_RUNS):
        for name, (cmd, cwd) in commands.items():
            rss[name] = max(rss[name], counted(peak_rss, name, cmd, cwd))
    width = max(len(name) for name in commands) + 2
    print(f"{'command':{width}} {'median ms':>10} {'p90 ms':>8} {'peak RSS MiB':>13}   ({RUNS} interleaved runs each)")
    for name, values in times.items():
        p90 = sorted(values)[int(len(values) * 0.9) - 1]
        print(f"{name:{width}} {statistics.median(values):10.2f} {p90:8.2f} {rss[name]:13.1f}")
    runs = RUNS + RSS_RUNS
    print(f"token-endpoint calls in {runs} runs each: " + ", ".join(f"{name} {n}" for name, n in calls.items()))
    med = {name: statistics.median(values) for name, values in times.items()}
    print(f"latchkey/curl: time {med['latchkey'] / med['curl']:.2f} (target <= 1.3), RSS {rss['latchkey'] / rss['curl']:.2f} (target <= 2)")
    if BRU_CC in med:
        print(f"bru/latchkey: time {med[BRU_CC] / med['latchkey']:.0f}x with oauth2 cc, "
              f"{med[BRU_BEARER] / med['latchkey']:.0f}x with the bearer passed in (target >= 10x)")
        print(f"note: latchkey reads its cached token from the vault; bru keeps OAuth 2.0 tokens in memory only, "
              f"so {BRU_CC} fetches a token in every run (a new process each time)")
        if calls[BRU_CC] != runs:
            print(f"WARNING: {BRU_CC} made {calls[BRU_CC]} token calls in {runs} runs, not one per run", file=sys.stderr)
finally:
    server.kill()
    provider.stdin.close()  # the provider exits when its stdin closes
    try:
        provider.wait(timeout=5)
    except subprocess.TimeoutExpired:
        provider.kill()
    shutil.rmtree(data, ignore_errors=True)
