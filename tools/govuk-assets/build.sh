#!/usr/bin/env bash
# Rebuilds the vendored GOV.UK Frontend assets in crates/mns-web/assets/.
# Requires Node.js + npm; the Rust build itself never runs this.
#
#   cd tools/govuk-assets && ./build.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="$repo/crates/mns-web/assets"
gf="$here/node_modules/govuk-frontend/dist/govuk"

cd "$here"
if [ ! -d node_modules/govuk-frontend ] || [ ! -d node_modules/sass ]; then
  npm ci
fi

mkdir -p "$out"

# CSS: compressed, no source map. --quiet-deps hides deprecation warnings
# coming from govuk-frontend's own Sass; import deprecation is silenced because
# govuk-frontend 5.x only supports being loaded with @import.
npx --no-install sass \
  --load-path=node_modules \
  --style=compressed \
  --no-source-map \
  --quiet-deps \
  --silence-deprecation=import \
  app.scss "$out/govuk-frontend.min.css"

# JS: the prebuilt ES module bundle (initialised with initAll(), see README).
cp "$gf/govuk-frontend.min.js" "$out/govuk-frontend.min.js"

# Deliberately NOT copied: fonts (GDS Transport) and dist/govuk/assets/images
# (favicons/icons/crest are GOV.UK crown branding). Our favicon.svg is our own.

# Guard: the built CSS must not reference GDS Transport.
if grep -q "GDS Transport" "$out/govuk-frontend.min.css"; then
  echo "error: built CSS mentions GDS Transport" >&2
  exit 1
fi

version="$(node -p "require('./node_modules/govuk-frontend/package.json').version")"
echo "Built govuk-frontend $version assets into $out:"
ls -l "$out"
