#!/usr/bin/env bash
# How much of the real documentation `codegen import` turns into specs the
# generator accepts, and why the rest fail.
#
#   bash bench/import_corpus.sh [DOC_HUB_GIT_DIR] [--compile]
#
# DOC_HUB_GIT_DIR is a clone (bare is fine) of github.com/wxkingstar/doc-hub-mcp
# (default: /work/.mirror/wxkingstar+doc-hub-mcp/repo). Every page under
# feishu/003-服务端API/ with an `HTTP URL` row is an API page. Each is imported
# on its own into a scratch spec directory beside a copy of spec/common.yaml,
# and the generator is run on it (load, resolve, emit: "accepted"). With
# --compile, all accepted pages are then imported together, generated into
# one crate in a scratch workspace beside the real runtime, and `cargo check`ed.
# Output: counts and the most common failure reasons, on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
mirror=${1:-/work/.mirror/wxkingstar+doc-hub-mcp/repo}
compile=no
for a in "$@"; do [ "$a" = "--compile" ] && compile=yes; done
scratch=${SCRATCH:-/tmp/feishu-import-corpus}
rm -rf "$scratch"
mkdir -p "$scratch/pages"

cargo build -q -p codegen --bin codegen
bin="$root/target/debug/codegen"

git --git-dir="$mirror" archive HEAD "feishu/003-服务端API" | tar -x -C "$scratch/pages"

python3 - "$root" "$scratch" "$bin" "$compile" <<'PY'
import collections, os, re, shutil, subprocess, sys
from concurrent.futures import ThreadPoolExecutor

root, scratch, bin, compile_ = sys.argv[1:5]
pages = []
for d, _, files in os.walk(f"{scratch}/pages"):
    for f in files:
        if f.endswith(".md"):
            p = os.path.join(d, f)
            with open(p, encoding="utf-8", errors="replace") as fh:
                if "HTTP URL" in fh.read():
                    pages.append(p)
pages.sort()
common = open(f"{root}/spec/common.yaml").read()

# Keys and types of the format additions (/work/briefs/format-additions.md)
# the generator does not accept before that work lands.
NEW_VOCAB = re.compile(
    r"unknown key `(min_length|max_length|max_size|pattern|values|encoding|content_type|envelope|partial|header_params)`"
    r"|unknown type `(any|map|file)`|unknown token type `none`|rate_limit`: invalid type: sequence")

def errors_of(stderr):
    return [l for l in stderr.splitlines() if l.startswith("error:") and not re.match(r"error: \d+ errors?", l)]

def reason(stderr):
    for line in stderr.splitlines():
        if line.startswith("error:"):
            msg = re.sub(r"^error: \S+?:\d+(:\d+)?: ", "", line)
            msg = re.sub(r"`[^`]*`", "`…`", msg)
            msg = re.sub(r"\d+", "N", msg)
            return msg[:110]
    return "(no error line)"

def one(i_page):
    i, page = i_page
    d = f"{scratch}/work/{i}"
    os.makedirs(f"{d}/spec", exist_ok=True)
    open(f"{d}/spec/common.yaml", "w").write(common)
    r = subprocess.run([bin, "import", "--out", f"{d}/spec", page], capture_output=True, text=True)
    if r.returncode != 0:
        return page, "import", reason(r.stderr)
    r = subprocess.run([bin, "--spec", f"{d}/spec", "--out", f"{d}/out", "--package", "corpus"], capture_output=True, text=True)
    shutil.rmtree(f"{d}/out", ignore_errors=True)
    if r.returncode != 0:
        errs = errors_of(r.stderr)
        binary = any("unknown key `content_type`" in e for e in errs)
        # A binary response has no fields: that error follows from `content_type`.
        errs = [e for e in errs if not (binary and "`fields` or `type` is missing" in e)]
        if errs and all(NEW_VOCAB.search(e) for e in errs):
            return page, "new-format", ""
        others = [e for e in errs if not NEW_VOCAB.search(e)]
        return page, "generate", reason("\n".join(others) or r.stderr)
    return page, "ok", ""

with ThreadPoolExecutor(max_workers=2) as pool:
    results = list(pool.map(one, enumerate(pages)))

by_stage = collections.Counter(stage for _, stage, _ in results)
print(f"API pages: {len(pages)}")
print(f"accepted by the generator: {by_stage['ok']} ({100 * by_stage['ok'] / max(1, len(pages)):.1f}%)")
print(f"rejected only for keys/types of the format additions (accepted once they land): {by_stage['new-format']}")
print(f"  -> accepted now or after the format additions: {by_stage['ok'] + by_stage['new-format']} ({100 * (by_stage['ok'] + by_stage['new-format']) / max(1, len(pages)):.1f}%)")
print(f"import errors: {by_stage['import']}; rejected for other reasons: {by_stage['generate']}")
reasons = collections.Counter((stage, why) for _, stage, why in results if stage in ("import", "generate"))
print("\nmost common first errors besides the format additions (stage: message; N = a number, `…` = a name):")
for (stage, why), n in reasons.most_common(15):
    print(f"{n:5}  {stage}: {why}")
open(f"{scratch}/accepted.txt", "w").write("\n".join(p for p, s, _ in results if s == "ok") + "\n")

if compile_ == "yes":
    accepted = [p for p, s, _ in results if s == "ok"]
    spec = f"{scratch}/all/spec"
    os.makedirs(spec, exist_ok=True)
    open(f"{spec}/common.yaml", "w").write(common)
    # One import call for all, so types of one service are named together.
    r = subprocess.run([bin, "import", "--out", spec, *accepted], capture_output=True, text=True)
    print(f"\nall accepted pages imported together: exit {r.returncode}")
    ws = f"{scratch}/ws"
    os.makedirs(ws, exist_ok=True)
    text = open(f"{root}/Cargo.toml").read()
    package = re.search(r"\[workspace\.package\].*?(?=\n\[)", text, re.S).group(0)
    deps = re.search(r"\[workspace\.dependencies\].*?(?=\n\[profile|\Z)", text, re.S).group(0)
    deps = re.sub(r'path = "([^"]+)"', lambda m: f'path = "{root}/{m.group(1)}"', deps)
    open(f"{ws}/Cargo.toml", "w").write('[workspace]\nresolver = "3"\nmembers = ["corpus"]\n\n' + package + "\n\n" + deps)
    shutil.copy(f"{root}/Cargo.lock", f"{ws}/Cargo.lock")
    r = subprocess.run([bin, "--spec", spec, "--out", f"{ws}/corpus", "--package", "feishu-corpus", "--runtime-path", f"{root}/runtime"], capture_output=True, text=True)
    print(f"generator on the combined spec: exit {r.returncode} {r.stdout.strip()}")
    if r.returncode != 0:
        print(reason(r.stderr))
    else:
        env = dict(os.environ, CARGO_TARGET_DIR=f"{root}/target/import-corpus")
        r = subprocess.run(["cargo", "check", "-q", "--offline", "--all-features"], cwd=f"{ws}/corpus", capture_output=True, text=True, env=env)
        errors = len(re.findall(r"^error", r.stderr, re.M))
        warnings = len(re.findall(r"^warning", r.stderr, re.M))
        print(f"cargo check of the combined crate: exit {r.returncode}, {errors} error lines, {warnings} warning lines")
PY
