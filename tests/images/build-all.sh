#!/bin/bash
# Build galley's test images offline (tests/images/mkimage.py) and push them
# with skopeo into the registries that tests/setup-host.sh started.  Safe to
# re-run: the images are deterministic, so a re-run pushes nothing new.
#
# In 127.0.0.1:5000 (plain HTTP):
#   busybox:latest, busybox:1.35      Docker schema 2, gzip layer
#   busybox-oci:latest                OCI manifest, gzip layer
#   busybox-zstd:latest               OCI manifest, zstd layer
#   busybox-uncompressed:latest       OCI manifest, uncompressed layer
#   multilayer:latest                 Docker schema 2, 4 layers (see `mkimage.py expected multilayer`)
#   multilayer-oci:latest             the same as OCI
#   busybox-multiarch:latest          OCI index: linux/amd64 + linux/arm64/v8
#   busybox-manifest-list:latest      the same as a Docker manifest list
# In 127.0.0.1:5001 (Basic auth), 127.0.0.1:5002 (scratch) and
# 127.0.0.1:5443 (TLS): busybox:latest.
# Files in $GALLEY_TEST_STATE/images: busybox.tar (docker-archive,
# localhost/busybox:latest), busybox-oci.tar (oci-archive), oci/ (the layout).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
STATE=${GALLEY_TEST_STATE:-/var/tmp/galley-test}
OUT=$STATE/images
LAYOUT=$OUT/oci
MKIMAGE=$HERE/mkimage.py
# shellcheck disable=SC1091
. "$STATE/env"

log () { echo "images: $*" >&2; }

copy () {
  skopeo copy --quiet --retry-times 3 "$@"
}

mkdir -p "$OUT"
rm -rf "$LAYOUT.tmp"
mkdir -p "$LAYOUT.tmp"
log "building the images in $LAYOUT"
python3 "$MKIMAGE" oci busybox "$LAYOUT.tmp" --tag busybox > /dev/null
python3 "$MKIMAGE" oci busybox "$LAYOUT.tmp" --tag busybox-uncompressed --compression none > /dev/null
python3 "$MKIMAGE" oci multilayer "$LAYOUT.tmp" --tag multilayer > /dev/null
python3 "$MKIMAGE" oci multiarch "$LAYOUT.tmp" --tag busybox-multiarch > /dev/null
rm -rf "$LAYOUT"
mv "$LAYOUT.tmp" "$LAYOUT"
python3 "$MKIMAGE" expected multilayer > "$OUT/multilayer.expected"
python3 "$MKIMAGE" docker-archive busybox "$OUT/busybox.tar" --ref localhost/busybox:latest > /dev/null
rm -f "$OUT/busybox-oci.tar"
copy "oci:$LAYOUT:busybox" "oci-archive:$OUT/busybox-oci.tar:localhost/busybox:latest"

R=$GALLEY_TEST_REGISTRY
PLAIN=(--dest-tls-verify=false)
log "pushing to $R"
copy "${PLAIN[@]}" --format v2s2 "oci:$LAYOUT:busybox" "docker://$R/busybox:latest"
copy "${PLAIN[@]}" --format v2s2 "oci:$LAYOUT:busybox" "docker://$R/busybox:1.35"
copy "${PLAIN[@]}" --format oci "oci:$LAYOUT:busybox" "docker://$R/busybox-oci:latest"
# skopeo keeps a layer's compression unless it has to compress: give it the
# uncompressed layer so that it writes zstd.
copy "${PLAIN[@]}" --format oci --dest-compress-format zstd "oci:$LAYOUT:busybox-uncompressed" \
  "docker://$R/busybox-zstd:latest"
# skopeo compresses every layer it sends to a registry, so the uncompressed
# image goes byte for byte through mkimage.py's own minimal pusher.
python3 "$MKIMAGE" push "$LAYOUT" busybox-uncompressed "$R/busybox-uncompressed:latest" > /dev/null
copy "${PLAIN[@]}" --format v2s2 "oci:$LAYOUT:multilayer" "docker://$R/multilayer:latest"
copy "${PLAIN[@]}" --format oci "oci:$LAYOUT:multilayer" "docker://$R/multilayer-oci:latest"
copy "${PLAIN[@]}" --all --preserve-digests "oci:$LAYOUT:busybox-multiarch" "docker://$R/busybox-multiarch:latest"
copy "${PLAIN[@]}" --all --format v2s2 "oci:$LAYOUT:busybox-multiarch" "docker://$R/busybox-manifest-list:latest"

log "pushing busybox to $GALLEY_TEST_AUTH_REGISTRY, $GALLEY_TEST_SCRATCH_REGISTRY and $GALLEY_TEST_TLS_REGISTRY"
copy "${PLAIN[@]}" --dest-creds "$GALLEY_TEST_AUTH_USER:$GALLEY_TEST_AUTH_PASSWORD" --format v2s2 \
  "oci:$LAYOUT:busybox" "docker://$GALLEY_TEST_AUTH_REGISTRY/busybox:latest"
copy "${PLAIN[@]}" --format v2s2 "oci:$LAYOUT:busybox" "docker://$GALLEY_TEST_SCRATCH_REGISTRY/busybox:latest"
copy --dest-cert-dir "$GALLEY_TEST_CERTS_D/$GALLEY_TEST_TLS_REGISTRY" --format v2s2 \
  "oci:$LAYOUT:busybox" "docker://$GALLEY_TEST_TLS_REGISTRY/busybox:latest"
