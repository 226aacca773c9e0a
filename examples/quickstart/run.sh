#!/usr/bin/env bash
# The quickstart, start to finish, with nothing installed but Go: builds
# steward, starts the built-in lab (two simulated switches and an LDAP
# directory on 127.0.0.1), applies this example in a scratch copy of it,
# runs its backup policy once, shows that a second plan has no changes, and
# stops everything it started.
#
# Each step prints the steward command it runs, so you can repeat it by hand.
set -euo pipefail
cd "$(dirname "$0")/../.."

work=$(mktemp -d "${TMPDIR:-/tmp}/steward-quickstart.XXXXXX")
office="$work/office"
cleanup() {
  "$work/steward" lab down --dir "$office" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "Building steward..."
go build -o "$work/steward" .
cp -r examples/quickstart/. "$office"
rm -f "$office/run.sh"

bold="" plain=""
if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then bold=$'\033[1m' plain=$'\033[0m'; fi
# The backup repository's password; a real one comes from a secret store.
STEWARD_BACKUP_PASSWORD="quickstart-$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')"
export STEWARD_BACKUP_PASSWORD

step() {
  printf '\n%s$ steward %s%s\n' "$bold" "$*" "$plain"
  "$work/steward" "$@"
}

step lab up --dir "$office"
step -chdir="$office" apply -auto-approve
step -chdir="$office" backup run
step -chdir="$office" backup snapshots
set +e
step -chdir="$office" plan -detailed-exitcode
code=$?
set -e
if [ "$code" -ne 0 ]; then
  echo "quickstart: the second plan was expected to show no changes (exit code $code)" >&2
  exit 1
fi
printf '\nDone: the lab is stopped and %s is removed.\n' "$work"
