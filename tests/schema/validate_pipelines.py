"""Validates pipeline YAML files against the generated JSON Schema, as an editor would.

usage: validate_pipelines.py SCHEMA GOOD_PIPELINE... --bad BAD_PIPELINE...
Every GOOD file must validate and every BAD file must be rejected; exits 1 otherwise.
"""
import json
import sys

import jsonschema
import yaml


def errors(validator, path):
    with open(path, encoding="utf-8") as f:
        document = yaml.safe_load(f)
    return list(validator.iter_errors(document))


def main(argv):
    schema_path, rest = argv[0], argv[1:]
    split = rest.index("--bad") if "--bad" in rest else len(rest)
    good, bad = rest[:split], rest[split + 1:]
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft7Validator.check_schema(schema)
    validator = jsonschema.Draft7Validator(schema)
    failed = False
    for path in good:
        found = errors(validator, path)
        for e in found:
            print(f"{path}: {'/'.join(map(str, e.absolute_path))}: {e.message[:300]}")
        failed |= bool(found)
    for path in bad:
        if not errors(validator, path):
            print(f"{path}: accepted, but it is invalid")
            failed = True
    print(f"{len(good)} valid and {len(bad)} invalid pipelines checked")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
