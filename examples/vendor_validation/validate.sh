#!/usr/bin/env bash
# Validate the payloads two ways and show that the verdicts agree where JSON Schema can
# express the rule. Needs fostering-hub (pip install fostering-hub) and Node.js.
set -euo pipefail
cd "$(dirname "$0")"
config=../north-east/hub.toml

echo "== fostering-hub (types + rules), JSON output"
fostering-hub validate handover payloads/*.json --config "$config" --as-of 2026-01-01T00:00 \
  --format json --summary > report.json || true
python3 -c 'import json; r = json.load(open("report.json")); print(r["summary"])'

echo "== Ajv on the exported JSON Schema (with the hub profile)"
fostering-hub schema handover --config "$config" > handover.schema.json
[ -d node_modules ] || npm install --silent --no-audit --no-fund
node check.js handover.schema.json payloads/*.json || true
