#!/usr/bin/env bash
# Fuzzes latchkey-core's parsers with cargo-fuzz (libFuzzer + AddressSanitizer), each target
# for a bounded time, one after another. Exits non-zero when a target crashes (a panic, a
# broken invariant, a sanitizer report) or cannot be built; the input that crashed is written
# to fuzz/artifacts/<target>/crash-*, and the failing target's log is printed.
#
# Targets (fuzz/fuzz_targets/):
#   token_response  oauth::token_client::parse_token_response: a token endpoint's answer
#   callback        oauth::Callback::from_query/from_url + PendingAuthorization::accept/owns
#   datasource      transfer::parse_datasource, DatasourceConfig::validate, export round trip, and
#                   imports over an existing datasource (documents separated by --- lines)
#   device_authorization  oauth::device::parse_device_authorization: an RFC 8628 §3.2 answer
#   curl            import::plan --format curl: the shell/cmd tokenizer and option mapping; a
#                   credential from the input never in an error or the shown plan
#   openapi         import::plan --format openapi: JSON/YAML reading, $ref following, Swagger 2.0
#                   conversion; a plan made validates (but for needs setup) and serializes
#   postman         import::plan --format postman: collections v2.0/v2.1 and environment files; a
#                   secret from the input (auth, secret variables) never in an error or the shown plan
#   insomnia        import::plan --format insomnia: v4 exports as JSON/YAML, parents, folders,
#                   variables, auth; a canary bearer token never in an error or the shown plan
#   share           share::file: a shared folder's datasource and environment files; what reads
#                   renders stably and reads back the same, with no secret marker
#
# Short run (what CI calls):      FUZZ_SECONDS=30 fuzz/run.sh
# Long runs (10 minutes each):    FUZZ_SECONDS=600 fuzz/run.sh
#   one target only:              FUZZ_SECONDS=600 FUZZ_TARGETS=datasource fuzz/run.sh
#   with libFuzzer's job control: cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run -s address datasource \
#                                   target/corpus/datasource corpus/datasource -- -max_total_time=600 -jobs=1
#                                 (-jobs writes the output to fuzz/fuzz-0.log)
# Reproduce a crash:              cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run -s address TARGET artifacts/TARGET/crash-…
# Minimize it:                    cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz tmin -s address TARGET artifacts/TARGET/crash-…
#
# Environment:
#   FUZZ_SECONDS    run time per target (default 30)
#   FUZZ_TARGETS    space-separated targets (default: all of them)
#   FUZZ_SANITIZER  address (default) or none (faster, catches panics only)
#   FUZZ_ARGS       extra libFuzzer flags, e.g. "-max_len=8192"
#
# The toolchain is stable: cargo-fuzz passes nightly-only flags (-Zsanitizer, sancov passes),
# which RUSTC_BOOTSTRAP=1 lets a stable rustc accept. libFuzzer's C++ part needs g++.
# The seed corpus (fuzz/corpus/<target>/seed-*) is read only; what the runs add goes to
# fuzz/target/corpus/<target>, kept between runs and out of git.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"

seconds="${FUZZ_SECONDS:-30}"
targets="${FUZZ_TARGETS:-token_response callback datasource device_authorization curl openapi postman insomnia share}"
sanitizer="${FUZZ_SANITIZER:-address}"
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "== installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi

started=$(date +%s)
echo "== building the fuzz targets (sanitizer: $sanitizer)"
cargo fuzz build -s "$sanitizer"
echo "== built in $(( $(date +%s) - started )) s"

mkdir -p target/logs
failed=()
for target in $targets; do
    mkdir -p "target/corpus/$target"
    log="target/logs/$target.log"
    echo "== $target: ${seconds} s"
    status=0
    # -max_total_time bounds the run; the timeout is a backstop (start-up, the last input).
    # shellcheck disable=SC2086
    timeout --signal=INT --kill-after=30 "$(( seconds + 120 ))" \
        cargo fuzz run -s "$sanitizer" "$target" "target/corpus/$target" "corpus/$target" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 ${FUZZ_ARGS:-} \
        >"$log" 2>&1 || status=$?
    summary=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1 || true)
    echo "   ${summary:-no DONE line}"
    if [ "$status" -ne 0 ]; then
        echo "!! $target failed (exit $status); the end of its log:"
        tail -n 60 "$log"
        failed+=("$target")
    fi
done

echo "== done in $(( $(date +%s) - started )) s"
if [ "${#failed[@]}" -gt 0 ]; then
    echo "!! crashed: ${failed[*]} (inputs in fuzz/artifacts/)"
    exit 1
fi
echo "fuzz: ${seconds} s per target, no crash in: $targets"
