#!/bin/bash
# What a nightly job looks like without custody: per image, skopeo for the
# manifest and for each tag (referrers tag schema, cosign tags), curl for
# each referrer manifest and blob. No digest checks, no multi-arch.
set -uo pipefail
host=$1; images=$2; out=$3
while read -r ref; do
  path=${ref#*/}; repo=${path%:*}; tag=${path##*:}
  dir="$out/${repo//\//_}"; mkdir -p "$dir"
  skopeo inspect --raw --tls-verify=false "docker://$ref" > "$dir/manifest.json" || { echo "failed: $ref" >&2; continue; }
  hex=$(sha256sum < "$dir/manifest.json" | cut -d' ' -f1)
  curl -sf "http://$host/v2/$repo/blobs/$(jq -r .config.digest "$dir/manifest.json")" -o "$dir/config.json"
  if skopeo inspect --raw --tls-verify=false "docker://$host/$repo:sha256-$hex" > "$dir/referrers.json" 2>/dev/null; then
    for m in $(jq -r '.manifests[].digest' "$dir/referrers.json"); do
      curl -sf -H 'Accept: application/vnd.oci.image.manifest.v1+json' "http://$host/v2/$repo/manifests/$m" -o "$dir/$m.json"
      for l in $(jq -r '.layers[].digest' "$dir/$m.json"); do curl -sf "http://$host/v2/$repo/blobs/$l" -o "$dir/$l"; done
    done
  fi
  for s in sig att sbom; do
    if skopeo inspect --raw --tls-verify=false "docker://$host/$repo:sha256-$hex.$s" > "$dir/$s.json" 2>/dev/null; then
      for l in $(jq -r '.layers[].digest' "$dir/$s.json"); do curl -sf "http://$host/v2/$repo/blobs/$l" -o "$dir/$l"; done
    else
      rm -f "$dir/$s.json"
    fi
  done
done < "$images"
