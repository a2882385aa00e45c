"""Strict schema checks of the shipped deployments, with Python's `jsonschema` (2020-12 validator)
and PyYAML (both on the machine image; Debian: python3-jsonschema python3-yaml).

    python3 infra/check/schema_check.py k8s infra/kubernetes/daemonset.yaml
    python3 infra/check/schema_check.py compose infra/compose.yaml

k8s: every document against the strict Kubernetes schema of its apiVersion/kind
(schemas/k8s-v1.37.0-strict.json, see prune_k8s_schema.py; an unknown kind is an error).
compose: the file, after `${VAR}` / `${VAR:-default}` interpolation as Compose does it, against the
Compose Specification schema (schemas/compose-spec.json, from compose-go v2.16.2, the loader of
Docker Compose v2; Apache-2.0).
Prints one line per error (`file: doc N kind name: path: message`) and `ok: ...` per valid
document; exits 1 on any error, 2 on bad usage.
"""
import json
import os
import re
import sys

import jsonschema
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}")


class MissingVariable(Exception):
    pass


def substitute(m, env):
    name, op, arg = m.group(1), m.group(2), m.group(3)
    value = env.get(name)
    unset = value is None or (value == "" and op and op.startswith(":"))
    if op and op.endswith("?") and unset:
        raise MissingVariable(f"required variable {name} is missing a value: {arg}")
    if op and op.endswith("-") and unset:
        return arg
    return value or ""


def interpolate(node, env):
    """Compose's `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`, `${VAR?error}` in every string ($$ is a literal $)."""
    if isinstance(node, dict):
        return {k: interpolate(v, env) for k, v in node.items()}
    if isinstance(node, list):
        return [interpolate(v, env) for v in node]
    if isinstance(node, str):
        s = VAR.sub(lambda m: substitute(m, env), node.replace("$$", "\0"))
        return s.replace("\0", "$")
    return node


def errors(validator, doc):
    for e in sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path)):
        path = "/".join(str(p) for p in e.absolute_path) or "(root)"
        yield f"{path}: {e.message[:300]}"


def check_k8s(path):
    bundle = json.load(open(os.path.join(HERE, "schemas", "k8s-v1.37.0-strict.json")))
    bad = 0
    for i, doc in enumerate(yaml.safe_load_all(open(path))):
        if doc is None:
            continue
        key = f"{doc.get('apiVersion')}/{doc.get('kind')}"
        name = f"doc {i + 1} {doc.get('kind')} {doc.get('metadata', {}).get('name')}"
        if key not in bundle["kinds"]:
            print(f"{path}: {name}: no schema for {key} (add it to prune_k8s_schema.py)")
            bad += 1
            continue
        schema = dict(bundle["kinds"][key], **{"$defs": bundle["$defs"]})
        found = list(errors(jsonschema.Draft202012Validator(schema), doc))
        for e in found:
            print(f"{path}: {name}: {e}")
        bad += len(found)
        if not found:
            print(f"ok: {path}: {name} ({key}, strict)")
    return bad


def check_compose(path):
    schema = json.load(open(os.path.join(HERE, "schemas", "compose-spec.json")))
    try:
        doc = interpolate(yaml.safe_load(open(path)), os.environ)
    except MissingVariable as e:
        print(f"{path}: {e}")
        return 1
    found = list(errors(jsonschema.validators.validator_for(schema)(schema), doc))
    for e in found:
        print(f"{path}: {e}")
    if not found:
        print(f"ok: {path} (compose-spec, {len(doc.get('services', {}))} services)")
    return len(found)


if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] not in ("k8s", "compose"):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    check = check_k8s if sys.argv[1] == "k8s" else check_compose
    sys.exit(1 if sum(check(p) for p in sys.argv[2:]) else 0)
