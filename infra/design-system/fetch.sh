#!/usr/bin/env bash
# Fetches the NL Design System CSS components the portal is built from, and the checkers the
# browser tests run (axe-core for accessibility, the Nu Html Checker for HTML), checks each
# tarball against the integrity the npm registry published for it, and places the files: the
# stylesheet and its licence under services/web/static/vendor/, where the web service embeds
# them; the checkers under tests/vendor/.
#
# The files there are not committed: every build entry point (.ci/run, bin/test, bin/up,
# bin/bench, bin/sqlx-prepare, the Dockerfile) runs this script first. Tarballs are cached in
# $ZORGPORTAAL_CACHE/npm, so later runs need no network. Needs only curl, tar, sha512sum, base64
# and od. To move to another version: change it here together with its `integrity` (from
# `npm view <package>@<version> dist.integrity`).
set -Eeuo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE="${ZORGPORTAAL_CACHE:-$HOME/.cache/zorgportaal}/npm"
REGISTRY="${NPM_REGISTRY:-https://registry.npmjs.org}"
WEB="services/web/static/vendor"

# package | version | integrity (sha512, base64) | files to place: source in the tarball => path
PACKAGES=(
  "@utrecht/component-library-css|9.0.4|sha512-gVA7D6GfP9/+fzehkYLSBR+0UPUTA97PZmgvTYQE88lPQhHGMlUk8FjmCpLKRsRC9hAYd32JuF/KzG6fmBfjJA==|package/dist/index.css=>$WEB/utrecht-components.css package/LICENSE.md=>$WEB/utrecht-components.LICENSE.md"
  "vnu-jar|26.9.27|sha512-TkQd5DFfOaWC9ebtvozTsrH2Vaod3jYg+vrOeREzIXxBexLz9+rS2DNtjn7+RPUiZhgli0SghgBX6RJRNea0KA==|package/build/dist/vnu.jar=>tests/vendor/vnu.jar package/LICENSE=>tests/vendor/vnu.LICENSE"
  "axe-core|4.14.1|sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==|package/axe.min.js=>tests/vendor/axe.min.js package/LICENSE=>tests/vendor/axe-core.LICENSE"
)

# The sha512 of a file as hex, and the hex of an npm integrity string, to compare the two.
sha512_hex() { sha512sum "$1" | cut -d' ' -f1; }
integrity_hex() { base64 -d <<<"${1#sha512-}" | od -An -v -tx1 | tr -d ' \n'; }

mkdir -p "$CACHE"
for entry in "${PACKAGES[@]}"; do
  IFS='|' read -r name version integrity files <<<"$entry"
  tarball="$CACHE/${name//\//__}-$version.tgz"
  if [[ ! -f $tarball ]] || [[ $(sha512_hex "$tarball") != $(integrity_hex "$integrity") ]]; then
    url="$REGISTRY/$name/-/${name#*/}-$version.tgz"
    curl -fsSL --retry 3 -o "$tarball.part" "$url"
    got=$(sha512_hex "$tarball.part")
    if [[ $got != $(integrity_hex "$integrity") ]]; then
      rm -f "$tarball.part"
      echo "design-system: $name@$version does not match its pinned integrity (its sha512 is $got)" >&2
      exit 1
    fi
    mv "$tarball.part" "$tarball"
  fi
  for file in $files; do
    source="${file%%=>*}" target="$ROOT/${file##*=>}"
    mkdir -p "$(dirname "$target")"
    tar -xzOf "$tarball" "$source" >"$target.part"
    if cmp -s "$target.part" "$target"; then rm "$target.part"; else mv "$target.part" "$target"; fi
  done
done
