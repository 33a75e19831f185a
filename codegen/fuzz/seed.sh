#!/bin/sh
# Seeds corpus/loader with every spec file of the repository.
set -eu
cd "$(dirname "$0")"
mkdir -p corpus/loader
for f in ../../spec/*.yaml ../../spec/*/*.yaml ../../tests/specs/*/*/*.yaml \
    ../tests/broken/*.yaml ../tests/broken/*/*.yaml ../tests/fuzz_regressions/*.yaml; do
    [ -f "$f" ] && cp "$f" "corpus/loader/$(echo "$f" | tr '/.' '__')"
done
ls corpus/loader | wc -l
