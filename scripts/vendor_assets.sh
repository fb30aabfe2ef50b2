#!/usr/bin/env bash
# Rebuild the vendored front-end assets from the npm registry. Their output is committed, so installing mldrill
# never needs Node. Run from the repository root: bash scripts/vendor_assets.sh
set -euo pipefail
KATEX_VERSION=0.19.1

dest=src/mldrill/web/static/vendor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# KaTeX: the minified renderer, its CSS and the woff2 fonts (every browser we target reads woff2).
(cd "$work" && npm pack --silent "katex@$KATEX_VERSION" >/dev/null && tar xzf "katex-$KATEX_VERSION.tgz")
rm -rf "$dest/katex"
mkdir -p "$dest/katex/fonts"
cp "$work/package/dist/katex.min.js" "$work/package/dist/katex.min.css" "$work/package/LICENSE" "$dest/katex/"
cp "$work/package/dist/fonts/"*.woff2 "$dest/katex/fonts/"
echo "$KATEX_VERSION" > "$dest/katex/VERSION"
echo "vendored KaTeX $KATEX_VERSION into $dest/katex"
