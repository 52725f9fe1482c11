#!/usr/bin/env bash
# Validate docker-compose.yml against the Compose Specification's JSON schema, offline.
#
#   bash infra/compose/validate.sh [COMPOSE_FILE] [--project-directory DIR]
#        (default file: docker-compose.yml at the repo root; DIR: the file's own directory)
#   bash infra/compose/validate.sh --update-schema    (maintainers: refresh compose-spec.json from npm)
#
# The schema is infra/compose/compose-spec.json: schema/compose-spec.json of the Compose
# Specification (github.com/compose-spec/compose-spec, Apache-2.0), taken verbatim from
# schemas/compose.schema.json of the npm package dclint@3.1.0, which ships it.
#
# Besides the schema it checks what `docker compose config` would also reject: duplicate keys,
# depends_on naming unknown services or forming a cycle, undeclared named volumes, and
# relative paths (build context, Dockerfile, bind mounts, env_file) that do not exist.
#
# Needs python3 with jsonschema and PyYAML, from the venv
# ${ZORGPORTAAL_CACHE:-$HOME/.cache/zorgportaal}/tools/pyenv (created with pip on first use,
# the only step that needs PyPI). Validation itself uses no network.
# Exit status: 0 valid, 1 invalid, 2 could not validate.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
SCHEMA="$SCRIPT_DIR/compose-spec.json"
SCHEMA_NPM_PACKAGE="${SCHEMA_NPM_PACKAGE:-dclint@3.1.0}"
SCHEMA_NPM_PATH="package/schemas/compose.schema.json"
ZORGPORTAAL_CACHE="${ZORGPORTAAL_CACHE:-$HOME/.cache/zorgportaal}"
VENV="$ZORGPORTAAL_CACHE/tools/pyenv"
PY_REQUIREMENTS=("jsonschema>=4.18,<5" "PyYAML>=6,<7")

say() { printf 'compose-validate: %s\n' "$1" >&2; }
fail() { say "ERROR: $1"; exit 2; }

has_modules() { "$1" -c 'import jsonschema, yaml' >/dev/null 2>&1; }

# Prints a python3 that can import jsonschema and yaml: the project venv (created on first
# use), or the system python3 when the venv cannot be made and it has both modules already.
find_python() {
  if [[ -x $VENV/bin/python ]] && has_modules "$VENV/bin/python"; then
    printf '%s\n' "$VENV/bin/python"; return 0
  fi
  command -v python3 >/dev/null 2>&1 || fail "python3 not found"
  say "creating venv $VENV with ${PY_REQUIREMENTS[*]} (one-time, needs PyPI)"
  if python3 -m venv "$VENV" >/dev/null 2>&1 \
    && "$VENV/bin/python" -m pip install -q --disable-pip-version-check "${PY_REQUIREMENTS[@]}" </dev/null >&2; then
    printf '%s\n' "$VENV/bin/python"; return 0
  fi
  if has_modules python3; then
    say "venv setup failed; using the system python3, which has jsonschema and PyYAML"
    command -v python3; return 0
  fi
  fail "could not set up $VENV (Debian: apt-get install python3-venv; PyPI must be reachable once)"
}

update_schema() {
  command -v npm >/dev/null 2>&1 || fail "npm not found"
  local tmp; tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' RETURN
  (cd "$tmp" && npm pack --silent "$SCHEMA_NPM_PACKAGE" </dev/null >/dev/null) || fail "npm pack $SCHEMA_NPM_PACKAGE failed"
  tar -xzf "$tmp"/*.tgz -C "$tmp" "$SCHEMA_NPM_PATH" || fail "$SCHEMA_NPM_PATH not in $SCHEMA_NPM_PACKAGE"
  cp "$tmp/$SCHEMA_NPM_PATH" "$SCHEMA"
  say "updated $SCHEMA from $SCHEMA_NPM_PACKAGE (sha256 $(sha256sum "$SCHEMA" | cut -d' ' -f1))"
}

main() {
  case "${1:-}" in
    -h|--help) sed -n '2,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; return 0 ;;
    --update-schema) update_schema; return 0 ;;
  esac
  local file="" project_dir=""
  while (($#)); do
    case "$1" in
      --project-directory) [[ $# -ge 2 ]] || fail "--project-directory needs a directory"; project_dir="$2"; shift 2 ;;
      --project-directory=*) project_dir="${1#*=}"; shift ;;
      -*) fail "unknown option $1 (see --help)" ;;
      *) [[ -z $file ]] || fail "only one compose file at a time"; file="$1"; shift ;;
    esac
  done
  file="${file:-$REPO_ROOT/docker-compose.yml}"
  [[ -f $file ]] || fail "no such file: $file"
  [[ -z $project_dir || -d $project_dir ]] || fail "no such directory: $project_dir"
  [[ -f $SCHEMA ]] || fail "schema missing: $SCHEMA"
  local python; python="$(find_python)"
  "$python" - "$file" "$SCHEMA" "$project_dir" <<'PY'
import json
import os
import re
import sys

import jsonschema
import yaml

compose_path, schema_path = sys.argv[1], sys.argv[2]
name = os.path.relpath(compose_path)
if name.startswith(".."):
    name = os.path.abspath(compose_path)
# Relative paths resolve against the project directory: the compose file's own by default.
base_dir = os.path.abspath(sys.argv[3]) if len(sys.argv) > 3 and sys.argv[3] else os.path.dirname(os.path.abspath(compose_path))
problems = []


class StrictLoader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate keys (Compose does too); merge keys (<<) stay allowed."""

    def construct_mapping(self, node, deep=False):
        seen = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping", node.start_mark,
                    f"duplicate key {key!r} (first at line {seen[key].line + 1})", key_node.start_mark)
            seen[key] = key_node.start_mark
        return super().construct_mapping(node, deep=deep)


def where(path):
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


try:
    with open(compose_path, encoding="utf-8") as fh:
        doc = yaml.load(fh, Loader=StrictLoader)
except yaml.YAMLError as exc:
    print(f"{name}: not valid YAML:\n{exc}", file=sys.stderr)
    sys.exit(1)

if not isinstance(doc, dict):
    print(f"{name}: the top level must be a mapping", file=sys.stderr)
    sys.exit(1)

with open(schema_path, encoding="utf-8") as fh:
    schema = json.load(fh)

def explain(err):
    """The errors worth showing: for oneOf/anyOf, those of the one branch whose type fits."""
    if err.validator in ("oneOf", "anyOf") and err.context:
        branches = {}
        for sub in err.context:
            branches.setdefault(sub.relative_schema_path[0], []).append(sub)
        fitting = [subs for subs in branches.values()
                   if not any(e.validator == "type" and not e.relative_path for e in subs)]
        if len(fitting) == 1:
            return [x for sub in fitting[0] for x in explain(sub)]
        return [jsonschema.exceptions.best_match(err.context)]
    return [err]


def message(err):
    if err.validator == "additionalProperties" and isinstance(err.instance, dict):
        known = set(err.schema.get("properties", {}))
        patterns = list(err.schema.get("patternProperties", {}))
        extra = [k for k in err.instance
                 if k not in known and not any(re.search(p, k) for p in patterns)]
        if extra:
            return "unknown key(s): " + ", ".join(map(repr, extra))
    msg = err.message
    return msg if len(msg) <= 300 else msg[:300] + "..."


validator = jsonschema.Draft7Validator(schema)
for err in validator.iter_errors(doc):
    for e in explain(err):
        problems.append((where(e.absolute_path), "schema: " + message(e)))

# Checks beyond the schema, as `docker compose config` makes them.
services = doc.get("services") or {}
volumes = doc.get("volumes") or {}
if isinstance(services, dict):
    for svc, spec in services.items():
        if not isinstance(spec, dict):
            continue
        deps = spec.get("depends_on") or []
        for dep in deps if isinstance(deps, (list, dict)) else []:
            if dep not in services:
                problems.append((f"services.{svc}.depends_on", f"unknown service {dep!r}"))
        build = spec.get("build")
        if isinstance(build, (str, dict)):
            ctx = build if isinstance(build, str) else build.get("context", ".")
            if "://" not in ctx and not ctx.startswith("git@"):
                ctx_dir = os.path.join(base_dir, ctx)
                if not os.path.isdir(ctx_dir):
                    problems.append((f"services.{svc}.build.context", f"{ctx!r} is not a directory"))
                elif isinstance(build, dict) and "dockerfile" in build:
                    if not os.path.isfile(os.path.join(ctx_dir, build["dockerfile"])):
                        problems.append((f"services.{svc}.build.dockerfile", f"{build['dockerfile']!r} not found in {ctx!r}"))
        env_files = spec.get("env_file") or []
        for ef in [env_files] if isinstance(env_files, str) else env_files:
            path = ef if isinstance(ef, str) else ef.get("path", "")
            required = True if isinstance(ef, str) else ef.get("required", True)
            if required is True and not os.path.isfile(os.path.join(base_dir, path)):
                problems.append((f"services.{svc}.env_file", f"{path!r} not found"))
        for i, vol in enumerate(spec.get("volumes") or []):
            if isinstance(vol, str):
                source = vol.split(":", 1)[0] if ":" in vol else None
                kind = "bind" if source and (source.startswith((".", "/", "~"))) else "volume"
            else:
                source, kind = vol.get("source"), vol.get("type")
            if not source or "$" in source:
                continue
            if kind == "volume" and source not in volumes:
                problems.append((f"services.{svc}.volumes[{i}]", f"named volume {source!r} is not declared under top-level volumes"))
            if kind == "bind" and source.startswith(".") and not os.path.exists(os.path.join(base_dir, source)):
                problems.append((f"services.{svc}.volumes[{i}]", f"bind source {source!r} does not exist"))

    # depends_on cycles
    def deps_of(s):
        d = (services.get(s) or {}).get("depends_on") or []
        return [x for x in d if x in services] if isinstance(d, (list, dict)) else []

    state = {}

    def visit(s, stack):
        state[s] = 1
        for d in deps_of(s):
            if state.get(d) == 1:
                problems.append(("depends_on", "cycle: " + " -> ".join(stack[stack.index(d):] + [d])))
            elif d not in state:
                visit(d, stack + [d])
        state[s] = 2

    for s in services:
        if s not in state:
            visit(s, [s])

if problems:
    problems = sorted(set(problems))
    print(f"{name}: INVALID Compose file ({len(problems)} problem(s)):", file=sys.stderr)
    for path, text in problems[:40]:
        print(f"  - {path}: {text}", file=sys.stderr)
    if len(problems) > 40:
        print(f"  ... and {len(problems) - 40} more", file=sys.stderr)
    sys.exit(1)

print(f"{name}: valid (Compose Specification schema, {len(services)} services)")
PY
}

main "$@"
