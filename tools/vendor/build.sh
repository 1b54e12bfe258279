#!/usr/bin/env bash
# Rebuild the vendored front-end files in static/vendor/ from the pinned
# versions in tools/vendor/package-lock.json.
#
#   bash tools/vendor/build.sh
#
# Outputs (committed to the repository):
#   static/vendor/codemirror/tracelab-editor.js   CodeMirror 6 editor bundle (IIFE)
#   static/vendor/katex/                          KaTeX js, css, auto-render, fonts
#   static/vendor/VERSIONS.txt                    vendored packages and versions
set -euo pipefail

VENDOR_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$VENDOR_DIR/../.." && pwd)"
OUT_DIR="$REPO_ROOT/static/vendor"

cd "$VENDOR_DIR"
# Install scripts are not needed: esbuild finds its native binary through its
# optional @esbuild/<platform> dependency.
npm ci --ignore-scripts --no-audit --no-fund

NM="$VENDOR_DIR/node_modules"

pkg_version() {
  node -p "require('$NM/$1/package.json').version"
}

CM_PACKAGES=(
  @codemirror/state
  @codemirror/view
  @codemirror/commands
  @codemirror/language
  @codemirror/lang-python
  @codemirror/autocomplete
  @codemirror/search
  @lezer/common
  @lezer/highlight
  @lezer/lr
  @lezer/python
)

cm_versions=()
for p in "${CM_PACKAGES[@]}"; do
  cm_versions+=("$p@$(pkg_version "$p")")
done
ESBUILD_VERSION="$(pkg_version esbuild)"
KATEX_VERSION="$(pkg_version katex)"

# --- CodeMirror editor bundle ----------------------------------------------
rm -rf "$OUT_DIR/codemirror"
mkdir -p "$OUT_DIR/codemirror"

banner="/* TraceLab editor bundle (window.TraceLabEditor), MIT-licensed CodeMirror 6: ${cm_versions[*]}; built with esbuild@${ESBUILD_VERSION} by tools/vendor/build.sh */"

"$NM/.bin/esbuild" "$VENDOR_DIR/editor-entry.js" \
  --bundle \
  --minify \
  --format=iife \
  --global-name=TraceLabEditor \
  --target=es2019 \
  --legal-comments=none \
  --charset=utf8 \
  "--banner:js=$banner" \
  --outfile="$OUT_DIR/codemirror/tracelab-editor.js" \
  --log-level=warning

# --- KaTeX -------------------------------------------------------------------
rm -rf "$OUT_DIR/katex"
mkdir -p "$OUT_DIR/katex/contrib"
cp "$NM/katex/dist/katex.min.js" "$OUT_DIR/katex/katex.min.js"
cp "$NM/katex/dist/katex.min.css" "$OUT_DIR/katex/katex.min.css"
cp "$NM/katex/dist/contrib/auto-render.min.js" "$OUT_DIR/katex/contrib/auto-render.min.js"
cp -R "$NM/katex/dist/fonts" "$OUT_DIR/katex/fonts"
cp "$NM/katex/LICENSE" "$OUT_DIR/katex/LICENSE"

# --- VERSIONS.txt ------------------------------------------------------------
{
  echo "Vendored front-end packages (pinned in tools/vendor/package-lock.json)."
  echo "Rebuild with: bash tools/vendor/build.sh"
  echo
  echo "static/vendor/codemirror/tracelab-editor.js"
  for v in "${cm_versions[@]}"; do
    echo "  $v"
  done
  echo "  (bundled with esbuild@${ESBUILD_VERSION}, IIFE, target es2019, minified)"
  echo
  echo "static/vendor/katex/"
  echo "  katex@${KATEX_VERSION} (dist/katex.min.js, dist/katex.min.css,"
  echo "  dist/contrib/auto-render.min.js, dist/fonts/)"
} > "$OUT_DIR/VERSIONS.txt"

echo "Wrote:"
echo "  $OUT_DIR/codemirror/tracelab-editor.js ($(wc -c < "$OUT_DIR/codemirror/tracelab-editor.js") bytes)"
echo "  $OUT_DIR/katex/ (katex@${KATEX_VERSION})"
echo "  $OUT_DIR/VERSIONS.txt"
