#!/usr/bin/env bash
# Compares a no-change plan of N data objects with references between them
# in steward (steward_data) and OpenTofu (terraform_data, built in, so no
# provider download is needed).
#
# Usage: internal/bench/compare-opentofu.sh [N...]      (default: 1000 5000 10000)
#   STEWARD=path/to/steward  (default: built from this checkout)
#   TOFU=path/to/tofu        (required). OpenTofu can be built from the Go module
#   proxy: go mod download -json github.com/opentofu/opentofu@v1.9.1, copy the
#   printed Dir somewhere writable, then `go build -o /tmp/tofu ./cmd/tofu` in it.
#
# Prints, per N: wall seconds and peak RSS of a no-change plan, best of 3.
set -euo pipefail
cd "$(dirname "$0")/../.."
export TF_CLI_CONFIG_FILE=/dev/null TF_IN_AUTOMATION=1
: "${TOFU:?set TOFU to an OpenTofu binary}"
STEWARD=${STEWARD:-}
if [ -z "$STEWARD" ]; then
  STEWARD=$(mktemp -d)/steward
  go build -o "$STEWARD" .
fi
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 5000 10000)

best() { # best wall time and its RSS over 3 runs of "$@" in the current dir
  local best_t=999999 best_m=0
  for _ in 1 2 3; do
    /usr/bin/time -f "%e %M" -o /tmp/bench.time "$@" >/dev/null 2>&1 || true
    read -r t m < <(tail -n 1 /tmp/bench.time)
    if awk "BEGIN{exit !($t < $best_t)}"; then best_t=$t; best_m=$m; fi
  done
  echo "$best_t s, $((best_m / 1024)) MiB"
}

for n in "${sizes[@]}"; do
  half=$((n / 2))
  work=$(mktemp -d)
  mkdir -p "$work/steward" "$work/tofu"
  cat > "$work/steward/main.st.hcl" <<HCL
resource "steward_data" "a" {
  count = $half
  input = "a-\${count.index}"
}
resource "steward_data" "b" {
  count = $half
  input = { from = steward_data.a[count.index].output, n = count.index }
}
HCL
  sed 's/steward_data/terraform_data/g' "$work/steward/main.st.hcl" > "$work/tofu/main.tf"
  (cd "$work/steward" && "$STEWARD" apply -auto-approve >/dev/null)
  (cd "$work/tofu" && TF_IN_AUTOMATION=1 "$TOFU" init -input=false >/dev/null && "$TOFU" apply -auto-approve -input=false -parallelism=10 >/dev/null)
  s=$(cd "$work/steward" && best "$STEWARD" plan -detailed-exitcode)
  t=$(cd "$work/tofu" && best "$TOFU" plan -input=false -detailed-exitcode)
  echo "N=$n  steward: $s   opentofu: $t"
  rm -rf "$work"
done
