#!/usr/bin/env bash
# Re-fetch the pinned front-end assets served from registry/static/vendor/.
# Not run at install time: the files are committed. Run it by hand to refresh,
# then review the diff and VERSIONS.txt (sha256 of every file).
# Needs npm (registry access) and sha256sum.
set -euo pipefail
cd "$(dirname "$0")/.."

BOOTSTRAP=bootstrap@5.3.9
LEAFLET=leaflet@1.9.4
MARKERCLUSTER=leaflet.markercluster@1.5.3
CHARTJS=chart.js@4.5.1

dest=registry/static/vendor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

unpack() {  # unpack <pkg@version> -> prints the unpacked directory
  local spec=$1 dir
  dir="$work/$(echo "$spec" | tr '@/' '__')"
  mkdir -p "$dir"
  (cd "$dir" && npm pack --silent "$spec" >/dev/null && tar -xzf ./*.tgz)
  echo "$dir/package"
}

bs=$(unpack "$BOOTSTRAP")
lf=$(unpack "$LEAFLET")
mc=$(unpack "$MARKERCLUSTER")
cj=$(unpack "$CHARTJS")

rm -rf "$dest/bootstrap" "$dest/leaflet" "$dest/leaflet.markercluster" "$dest/chart.js"
mkdir -p "$dest/bootstrap" "$dest/leaflet/images" "$dest/leaflet.markercluster" "$dest/chart.js"

cp "$bs/dist/css/bootstrap.min.css" "$bs/dist/js/bootstrap.bundle.min.js" "$dest/bootstrap/"
cp "$bs/LICENSE" "$dest/bootstrap/LICENSE"
cp "$lf/dist/leaflet.js" "$lf/dist/leaflet.css" "$dest/leaflet/"
cp "$lf/dist/images/"*.png "$dest/leaflet/images/"
cp "$lf/LICENSE" "$dest/leaflet/LICENSE"
cp "$mc/dist/leaflet.markercluster.js" "$mc/dist/MarkerCluster.css" \
   "$mc/dist/MarkerCluster.Default.css" "$dest/leaflet.markercluster/"
cp "$mc/MIT-LICENCE.txt" "$dest/leaflet.markercluster/LICENSE" 2>/dev/null \
  || cp "$mc/LICENSE"* "$dest/leaflet.markercluster/LICENSE"

cp "$cj/dist/chart.umd.min.js" "$dest/chart.js/"
cp "$cj/LICENSE.md" "$dest/chart.js/LICENSE"

# The minified files end with a sourceMappingURL comment; the maps are not
# vendored, so drop the comment to keep the browser from requesting them.
find "$dest" -name '*.js' -o -name '*.css' | while read -r f; do
  sed -i -E '/^\/[\/*]# sourceMappingURL=.*$/d' "$f"
done

{
  echo "# Pinned front-end assets (fetched with scripts/vendor_assets.sh; sourceMappingURL comments removed)"
  echo "$BOOTSTRAP  MIT  https://getbootstrap.com"
  echo "$LEAFLET  BSD-2-Clause  https://leafletjs.com"
  echo "$MARKERCLUSTER  MIT  https://github.com/Leaflet/Leaflet.markercluster"
  echo "$CHARTJS  MIT  https://www.chartjs.org"
  echo
  echo "# sha256  file"
  (cd "$dest" && find . -type f ! -name VERSIONS.txt | sort | xargs sha256sum)
} > "$dest/VERSIONS.txt"
echo "vendored into $dest"
