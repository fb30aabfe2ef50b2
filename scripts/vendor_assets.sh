#!/usr/bin/env bash
# Rebuild the vendored front-end assets from the npm registry. Their output is committed, so installing mldrill
# never needs Node. Run from the repository root: bash scripts/vendor_assets.sh
set -euo pipefail
KATEX_VERSION=0.19.1
# htmx: the 2.x line (4.0 changed the request model and extension API; 2.0 is the one the pages are written for).
HTMX_VERSION=2.0.11

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

# CodeMirror 6 (Python mode) bundled with esbuild into one script exposing window.CM.
CM_PACKAGES="codemirror@6.0.2 @codemirror/lang-python@6.2.1 esbuild@0.25.12"  # one copy of @codemirror/state
mkdir -p "$work/cm"
(
  cd "$work/cm"
  echo '{"name": "mldrill-cm", "private": true}' > package.json
  npm install --silent $CM_PACKAGES >/dev/null
  cat > entry.js <<'JS'
import { EditorView, basicSetup } from "codemirror";
import { python } from "@codemirror/lang-python";
import { keymap } from "@codemirror/view";
import { EditorState, Prec } from "@codemirror/state";
import { indentUnit } from "@codemirror/language";
import { indentWithTab } from "@codemirror/commands";
export { EditorView, EditorState, Prec, basicSetup, python, keymap, indentUnit, indentWithTab };
JS
  ./node_modules/.bin/esbuild entry.js --bundle --minify --format=iife --global-name=CM --outfile=cm.min.js --log-level=warning
)
rm -rf "$dest/codemirror"
mkdir -p "$dest/codemirror"
cp "$work/cm/cm.min.js" "$dest/codemirror/"
echo "$CM_PACKAGES" > "$dest/codemirror/VERSION"
cp "$work/cm/node_modules/codemirror/LICENSE" "$dest/codemirror/LICENSE" 2>/dev/null || true
echo "vendored CodeMirror ($CM_PACKAGES) into $dest/codemirror"

# htmx: the single minified file.
(cd "$work" && npm pack --silent "htmx.org@$HTMX_VERSION" >/dev/null && mkdir htmx && tar xzf "htmx.org-$HTMX_VERSION.tgz" -C htmx)
rm -rf "$dest/htmx"
mkdir -p "$dest/htmx"
cp "$work/htmx/package/dist/htmx.min.js" "$work/htmx/package/LICENSE" "$dest/htmx/"
echo "$HTMX_VERSION" > "$dest/htmx/VERSION"
echo "vendored htmx $HTMX_VERSION into $dest/htmx"
