# Sourced by the project's scripts: the cache locations, and infra/dev.env for every setting
# the environment does not already give.

ZORGPORTAAL_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ZORGPORTAAL_CACHE="${ZORGPORTAAL_CACHE:-$HOME/.cache/zorgportaal}"
# Builds are cached outside the clone, so a fresh checkout does not rebuild the world.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ZORGPORTAAL_CACHE/target}"
# Queries are checked at compile time against the descriptions in .sqlx/ (bin/sqlx-prepare
# writes them): a query without a description fails the build, with no database in sight.
export SQLX_OFFLINE="${SQLX_OFFLINE:-true}"

# Export each KEY=value from infra/dev.env unless KEY is already set.
load_env() {
  local file="$ZORGPORTAAL_ROOT/infra/dev.env" line key
  [[ -f $file ]] || { echo "missing $file" >&2; return 1; }
  while IFS= read -r line || [[ -n $line ]]; do
    [[ $line =~ ^[[:space:]]*(#|$) ]] && continue
    key="${line%%=*}"
    [[ $key =~ ^[A-Z_][A-Z0-9_]*$ ]] || { echo "bad line in $file: $line" >&2; return 1; }
    if [[ -z ${!key+x} ]]; then export "$key=${line#*=}"; fi
  done <"$file"
}
