#!/usr/bin/env bash
# Every shipped pipeline validates against docs/pipeline.schema.json and the known-bad ones do
# not, with the Python jsonschema an editor's YAML extension behaves like.
# usage: validate_pipelines.sh SOURCE_DIR
set -euo pipefail
src=$1
py=/usr/bin/python3
[ -x "$py" ] || py=python3
if ! "$py" -c "import jsonschema, yaml" 2>/dev/null; then
  echo "SKIP: $py lacks jsonschema or yaml (Debian: apt-get install python3-jsonschema python3-yaml)"
  exit 77
fi
exec "$py" "$src/tests/schema/validate_pipelines.py" "$src/docs/pipeline.schema.json" \
  "$src"/pipelines/*.yaml "$src"/tests/schema/good/*.yaml --bad "$src"/tests/schema/bad/*.yaml
