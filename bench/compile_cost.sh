#!/usr/bin/env bash
# Compile cost of the generated crate at platform scale.
#
#   bash bench/compile_cost.sh [N ...]        (default: 100 1000 2500)
#   PROFILE=line-tables bash bench/compile_cost.sh [N ...]
#
# For each N it writes a synthetic spec of N endpoints, generates a crate from
# it into a scratch workspace beside the real runtime, and measures with the
# workspace's own Cargo.lock (so dependency versions match). The scratch
# workspace has no [profile] section: the figures are what a user's crate pays
# with Cargo's default dev profile (debug = 2). PROFILE=line-tables adds this
# workspace's own `debug = "line-tables-only"` instead, to compare.
#   - clean build of the generated crate (dependencies already built), debug;
#   - incremental rebuild after a one-line change in one resource file;
#   - the rlib size;
#   - the same clean build with one service feature instead of all;
#   - with FEATURE_SETS="full": every feature (`--all-features`: all services and
#     the event receivers), the whole-platform figure at N = 1600.
#   - with FEATURE_SETS="profile": no timing; rustc's own account of the clean build
#     (`-Zself-profile`, through RUSTC_BOOTSTRAP=1, which rebuilds the dependencies
#     once), summarized by bench/self-profile: self time per query, and type checking
#     per kind of item (what each endpoint's `send`, each type's derives cost).
# FEATURE_SETS is a list of: all (default features = every service), one, full,
# profile (default: "all one").
# Output: one Markdown table row per N and feature set, on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
# Cargo's defaults: nothing from the environment changes the profile.
unset CARGO_INCREMENTAL RUSTFLAGS CARGO_ENCODED_RUSTFLAGS RUSTC_WRAPPER CARGO_BUILD_RUSTC_WRAPPER
for v in $(compgen -e | grep '^CARGO_PROFILE_' || true); do unset "$v"; done
root=$(pwd)
sizes=("${@:-100 1000 2500}")
[ $# -eq 0 ] && sizes=(100 1000 2500)
scratch=${SCRATCH:-/tmp/feishu-compile-cost}
mkdir -p "$scratch"

cargo build -q --release -p feishu-bench --bin synth -p codegen --bin codegen

# A workspace with the runtime and the synthetic crate, sharing our lockfile.
profile=${PROFILE:-default}
python3 - "$root" "$scratch" "$profile" <<'PY'
import re, sys
root, scratch, profile = sys.argv[1], sys.argv[2], sys.argv[3]
text = open(f"{root}/Cargo.toml").read()
package = re.search(r"\[workspace\.package\].*?(?=\n\[)", text, re.S).group(0)
# Up to the next table: the [profile.*] sections after it must not come along.
deps = re.search(r"\[workspace\.dependencies\].*?(?=\n\[|\Z)", text, re.S).group(0)
deps = re.sub(r'path = "([^"]+)"', lambda m: f'path = "{root}/{m.group(1)}"', deps)
extra = ""
if profile == "line-tables":
    extra = '\n[profile.dev]\ndebug = "line-tables-only"\n\n[profile.dev.package."*"]\ndebug = false\n'
elif profile != "default":
    sys.exit(f"PROFILE must be default or line-tables, not {profile}")
open(f"{scratch}/Cargo.toml", "w").write(
    '[workspace]\nresolver = "3"\nmembers = ["synthetic"]\n\n' + package + "\n\n" + deps + extra)
PY
cp Cargo.lock "$scratch/Cargo.lock"

secs() { /usr/bin/time -f "%e" "$@" 2>&1 >/dev/null | tail -n 1; }

echo "Profile: $profile (scratch workspace $scratch)"
echo
echo "| endpoints | features | clean build (s) | incremental (s) | rlib (MB) | generated lines |"
echo "|---:|---|---:|---:|---:|---:|"
for n in "${sizes[@]}"; do
  rm -rf "$scratch/spec" "$scratch/synthetic"
  ./target/release/synth "$n" "$scratch/spec" >/dev/null
  ./target/release/codegen --spec "$scratch/spec" --out "$scratch/synthetic" --package feishu-synthetic --runtime-path "$root/runtime" >/dev/null
  lines=$(cat $(find "$scratch/synthetic/src" -name '*.rs') | wc -l)
  (cd "$scratch" && cargo build -q -p feishu-runtime)   # dependencies, not measured
  for features in ${FEATURE_SETS:-all one}; do
    if [ "$features" = profile ]; then
      profile_dir="$scratch/self-profile"
      rm -rf "$profile_dir" && mkdir -p "$profile_dir"
      (cd "$scratch" && RUSTC_BOOTSTRAP=1 cargo build -q -p feishu-runtime \
        && cargo clean -q -p feishu-synthetic \
        && RUSTC_BOOTSTRAP=1 cargo rustc -q -p feishu-synthetic -- \
             -Zself-profile="$profile_dir" -Zself-profile-events=default,args)
      echo
      echo "rustc -Zself-profile of the $n-endpoint crate (default features):"
      echo
      cargo run -q --release --manifest-path bench/self-profile/Cargo.toml -- "$profile_dir"/*.mm_profdata
      rm -rf "$profile_dir"   # about 3 MB per endpoint
      continue
    fi
    args=()
    [ "$features" = one ] && args=(--no-default-features --features svc0000)
    [ "$features" = full ] && args=(--all-features) \
      && (cd "$scratch" && cargo build -q -p feishu-synthetic --no-default-features \
            --features webhook,axum,long-connection)   # the runtime's event features, not measured
    (cd "$scratch" && cargo clean -q -p feishu-synthetic)
    clean=$(cd "$scratch" && secs cargo build -q -p feishu-synthetic "${args[@]}")
    rlib=$(stat -c %s "$scratch"/target/debug/libfeishu_synthetic.rlib)
    file=$(find "$scratch/synthetic/src/svc0000" -name 'res0.rs' | head -n 1)
    echo "// touched by compile_cost.sh" >> "$file"
    incremental=$(cd "$scratch" && secs cargo build -q -p feishu-synthetic "${args[@]}")
    printf '| %s | %s | %s | %s | %.1f | %s |\n' "$n" "$features" "$clean" "$incremental" \
      "$(echo "$rlib / 1000000" | bc -l)" "$lines"
  done
done
