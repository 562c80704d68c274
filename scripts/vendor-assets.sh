#!/usr/bin/env bash
# Vendor the web app's front-end assets from the npm registry into
# src/saferplaces/web/static/vendor/<package>-<version>/, so that no page loads anything from a CDN.
#
#   scripts/vendor-assets.sh          (needs npm, tar and python3; writes only under static/vendor/)
#
# GOV.UK Frontend: the precompiled CSS and JS, the images its CSS refers to, and its MIT licence
# (the npm package does not carry the licence file, so it is written here, as published in the
# alphagov/govuk-frontend repository). Two changes are made to the CSS, both checked below:
#   - its url(/assets/...) references are root-absolute; they are made relative (url(assets/...)),
#     so they resolve beside the CSS file under STATIC_URL;
#   - the GDS Transport @font-face rules are removed and the font files are not copied: that
#     typeface "has been customised for exclusive use on gov.uk" (its own notice), and a Community
#     Safety Partnership's service is not on gov.uk. The CSS's font stacks then fall back to Arial,
#     as the GOV.UK Design System advises for services off gov.uk.
# Leaflet: leaflet.js, leaflet.css, its images and its BSD-2-Clause licence, unchanged except that
# the sourceMappingURL comments are dropped (the source maps are not vendored).
# Cytoscape.js (the intelligence network graph): cytoscape.min.js and its MIT licence, as published.
set -euo pipefail

GOVUK_FRONTEND_VERSION=5.14.0
LEAFLET_VERSION=1.9.4
CYTOSCAPE_VERSION=3.35.0

root=$(cd "$(dirname "$0")/.." && pwd)
vendor="$root/src/saferplaces/web/static/vendor"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent "govuk-frontend@$GOVUK_FRONTEND_VERSION" "leaflet@$LEAFLET_VERSION" \
    "cytoscape@$CYTOSCAPE_VERSION" >/dev/null)
mkdir -p "$work/govuk" "$work/leaflet"
tar -xzf "$work/govuk-frontend-$GOVUK_FRONTEND_VERSION.tgz" -C "$work/govuk"
tar -xzf "$work/leaflet-$LEAFLET_VERSION.tgz" -C "$work/leaflet"

# --- GOV.UK Frontend ---------------------------------------------------------------------------
src="$work/govuk/package/dist/govuk"
dest="$vendor/govuk-frontend-$GOVUK_FRONTEND_VERSION"
rm -rf "$dest"
mkdir -p "$dest/assets"
cp -R "$src/assets/images" "$dest/assets/images"
cp "$src/govuk-frontend.min.js" "$dest/govuk-frontend.min.js"
python3 - "$src/govuk-frontend.min.css" "$dest/govuk-frontend.min.css" "$dest/govuk-frontend.min.js" <<'PY'
import re
import sys
from pathlib import Path

source, css_out, js_out = (Path(p) for p in sys.argv[1:])
css = source.read_text(encoding="utf-8")

font_notice = re.compile(r"/\*! Copyright \(c\) 2011 by Margaret Calvert[^*]*\*/")
css, notices = font_notice.subn("", css)
font_faces = re.compile(r"@font-face\{font-family:\"?GDS Transport\"?;[^}]*\}")
css, faces = font_faces.subn("", css)
css, absolute = re.subn(r"url\(/assets/", "url(assets/", css)
css, maps = re.subn(r"\n?/\*# sourceMappingURL=[^*]*\*/\s*$", "\n", css)
if (notices, faces, maps) != (1, 2, 1) or absolute == 0 or "/assets/fonts/" in css:
    sys.exit(f"govuk-frontend CSS layout changed: notices={notices} faces={faces} "
             f"urls={absolute} maps={maps}; review scripts/vendor-assets.sh")
css_out.write_text(css, encoding="utf-8")
for url in re.findall(r"url\(([^)]+)\)", css):
    if not (css_out.parent / url.strip("\"'")).is_file():
        sys.exit(f"govuk-frontend CSS refers to {url}, which is not vendored")

js = js_out.read_text(encoding="utf-8")
js, maps = re.subn(r"\n?//# sourceMappingURL=\S+\s*$", "\n", js)
if maps != 1:
    sys.exit("govuk-frontend JS has no sourceMappingURL comment; review scripts/vendor-assets.sh")
js_out.write_text(js, encoding="utf-8")
PY
cat > "$dest/LICENSE.txt" <<'LICENCE'
The MIT License (MIT)

Copyright (C) 2017 Crown Copyright (Government Digital Service)

Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies
of the Software, and to permit persons to whom the Software is furnished to do
so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
LICENCE
cat > "$dest/VENDORED.txt" <<NOTE
govuk-frontend $GOVUK_FRONTEND_VERSION from the npm registry, written by scripts/vendor-assets.sh.
govuk-frontend.min.css: asset URLs made relative; GDS Transport @font-face rules removed (the
typeface is for exclusive use on gov.uk), so text falls back to Arial. Source map comments removed.
NOTE

# --- Leaflet -----------------------------------------------------------------------------------
src="$work/leaflet/package"
dest="$vendor/leaflet-$LEAFLET_VERSION"
rm -rf "$dest"
mkdir -p "$dest"
cp -R "$src/dist/images" "$dest/images"
cp "$src/dist/leaflet.css" "$src/LICENSE" "$dest/"
python3 - "$src/dist/leaflet.js" "$dest/leaflet.js" <<'PY'
import re
import sys
from pathlib import Path

source, out = (Path(p) for p in sys.argv[1:])
js, maps = re.subn(r"\n?//# sourceMappingURL=\S+\s*$", "\n", source.read_text(encoding="utf-8"))
if maps != 1:
    sys.exit("leaflet.js has no sourceMappingURL comment; review scripts/vendor-assets.sh")
out.write_text(js, encoding="utf-8")
PY
cat > "$dest/VENDORED.txt" <<NOTE
leaflet $LEAFLET_VERSION from the npm registry, written by scripts/vendor-assets.sh.
leaflet.js: source map comment removed; otherwise as published.
NOTE

# --- Cytoscape.js ------------------------------------------------------------------------------
mkdir -p "$work/cytoscape"
tar -xzf "$work/cytoscape-$CYTOSCAPE_VERSION.tgz" -C "$work/cytoscape"
src="$work/cytoscape/package"
dest="$vendor/cytoscape-$CYTOSCAPE_VERSION"
rm -rf "$dest"
mkdir -p "$dest"
cp "$src/dist/cytoscape.min.js" "$src/LICENSE" "$dest/"
if grep -q "sourceMappingURL" "$dest/cytoscape.min.js"; then
    echo "cytoscape.min.js now has a source map comment; review scripts/vendor-assets.sh" >&2
    exit 1
fi
cat > "$dest/VENDORED.txt" <<NOTE
cytoscape $CYTOSCAPE_VERSION from the npm registry, written by scripts/vendor-assets.sh.
cytoscape.min.js and LICENSE (MIT) as published.
NOTE

echo "Vendored govuk-frontend $GOVUK_FRONTEND_VERSION, leaflet $LEAFLET_VERSION and cytoscape $CYTOSCAPE_VERSION into $vendor"
