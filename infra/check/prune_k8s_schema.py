"""Builds infra/check/schemas/k8s-v<version>-strict.json: the strict Kubernetes JSON schemas of the
kinds our manifests use, with only the definitions they reach and without descriptions.

Source: the `kubernetes-validate` package (PyPI), which ships the schemas generated from the
Kubernetes OpenAPI spec, `-strict` variant (additionalProperties: false everywhere, so an unknown
or misspelt field is an error). Regenerate after adding a kind:

    pip install --target /tmp/kv kubernetes-validate==1.37.0
    python3 infra/check/prune_k8s_schema.py /tmp/kv/kubernetes_validate/kubernetes-json-schema/v1.37.0-local-strict
"""
import json
import os
import sys

KINDS = ["namespace-v1", "configmap-v1", "daemonset-apps-v1"]
PREFIX = "/api/_definitions.json#/$defs/"


def strip(node):
    if isinstance(node, dict):
        return {k: strip(v) for k, v in node.items() if k != "description"}
    if isinstance(node, list):
        return [strip(v) for v in node]
    if isinstance(node, str) and node.startswith(PREFIX):
        return "#/$defs/" + node[len(PREFIX):]
    return node


def refs(node, out):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref" and isinstance(v, str):
                out.add(v.rsplit("/", 1)[1])
            else:
                refs(v, out)
    elif isinstance(node, list):
        for v in node:
            refs(v, out)


def main(src: str) -> None:
    defs = json.load(open(os.path.join(src, "_definitions.json")))["$defs"]
    kinds, keep, todo = {}, {}, set()
    for k in KINDS:
        schema = strip(json.load(open(os.path.join(src, k + ".json"))))
        kind = schema["properties"]["kind"]["enum"][0]
        api = schema["properties"]["apiVersion"]["enum"][0]
        kinds[f"{api}/{kind}"] = schema
        refs(schema, todo)
    while todo:
        name = todo.pop()
        if name in keep:
            continue
        keep[name] = strip(defs[name])
        refs(keep[name], todo)
    version = os.path.basename(src.rstrip("/")).split("-")[0]
    out = os.path.join(os.path.dirname(__file__), "schemas", f"k8s-{version}-strict.json")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        json.dump({"source": f"kubernetes-validate {version}-local-strict, pruned to {', '.join(sorted(kinds))}", "kinds": kinds, "$defs": dict(sorted(keep.items()))}, f, separators=(",", ":"), sort_keys=False)
        f.write("\n")
    print(f"{out}: {len(kinds)} kinds, {len(keep)} definitions, {os.path.getsize(out)} bytes")


if __name__ == "__main__":
    main(sys.argv[1])
