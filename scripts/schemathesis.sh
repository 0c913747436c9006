#!/usr/bin/env bash
# Probes the API with schemathesis over /openapi.yaml, as an admin and as a customer, on a throwaway
# `kefu serve` (the debug build): a fixed seed and a bounded number of examples, so a run is the same
# every time and takes a few minutes. Fails on any failure schemathesis reports: a 5xx, a status or a
# body the contract does not declare, a schema-violating request accepted, an undeclared method
# answered other than 405. Not checked yet: schema-valid requests that a handler still refuses
# (positive_data_acceptance), where the contract does not yet state every rule (cross-field ones,
# e.g. an outage's ETA after its start). Usage: scripts/schemathesis.sh [examples-per-operation]
set -euo pipefail
cd "$(dirname "$0")/.."
examples=${1:-10}
python3 -c "import schemathesis" 2>/dev/null || python3 -m pip install -q "schemathesis==4.32.5"
dir=$(mktemp -d /tmp/kefu-schemathesis.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
.build/debug/kefu serve --port "$port" --database "sqlite://$dir/kefu.sqlite" --demo-customers 40 --public-dir Public >"$dir/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.5; done
base="http://127.0.0.1:$port"
admin=$(curl -sf -X POST "$base/api/v1/auth/login" -H 'Content-Type: application/json' \
  -d '{"username":"admin","password":"kefu-demo-2026"}' | python3 -c 'import sys, json; print(json.load(sys.stdin)["token"])')
curl -sf -X POST "$base/api/v1/auth/sms/request" -H 'Content-Type: application/json' -d '{"phone":"13800138000"}' >/dev/null
code=$(grep -o '验证码为 [0-9]\{6\}' "$dir/server.log" | tail -1 | grep -o '[0-9]\{6\}')
customer=$(curl -sf -X POST "$base/api/v1/auth/sms/verify" -H 'Content-Type: application/json' \
  -d "{\"phone\":\"13800138000\",\"code\":\"$code\"}" | python3 -c 'import sys, json; print(json.load(sys.stdin)["token"])')
status=0
for who in admin customer; do
  token=${!who}
  echo "== schemathesis as $who ($examples examples per operation, seed 1)"
  # Logging out or disabling accounts would end the probe's own session halfway.
  probe() {
    schemathesis run "$base/openapi.yaml" -H "Authorization: Bearer $token" -n "$examples" --seed 1 --no-shrink -w 2 \
      --exclude-checks positive_data_acceptance --exclude-path /api/v1/auth/logout --exclude-path-regex '/disable$' \
      --request-timeout 20 >"$dir/$who.txt" 2>&1
  }
  if ! probe; then
    # CPython 3.11 before 3.11.8 races in ast.parse between threads (gh-106905): hypothesis, describing a
    # strategy in one of the two workers, then fails with "AST constructor recursion depth mismatch". That
    # is the probe breaking, not a finding about the API: only then, and only once, the run is repeated.
    if ! grep -q "^=* FAILURES" "$dir/$who.txt" && grep -q "AST constructor recursion depth mismatch" "$dir/$who.txt"; then
      echo "schemathesis itself failed (CPython gh-106905); running it again"
      probe || status=1
    else
      status=1
    fi
  fi
  sed -n '/^=* SUMMARY/,$p' "$dir/$who.txt"
  [ $status -eq 0 ] || { sed -n '/^=* FAILURES/,/^=* SUMMARY/p' "$dir/$who.txt" | head -200; break; }
done
if grep -q "Fatal error\|Program crashed" "$dir/server.log"; then echo "the server crashed:"; grep -A5 "Fatal error" "$dir/server.log"; status=1; fi
[ $status -eq 0 ] && rm -rf "$dir"
exit $status
