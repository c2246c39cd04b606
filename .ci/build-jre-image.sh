#!/usr/bin/env bash
# Builds the local base image `syn-jre:17` (Debian bookworm + OpenJDK 17 JRE) for the Testcontainers suite,
# from Debian's packages with debootstrap: no registry is reachable here, so nothing can be pulled.
# Does nothing if the image exists already.
set -euo pipefail
image=${SYN_JRE_IMAGE:-syn-jre:17}
if docker image inspect "$image" >/dev/null 2>&1; then
  echo "base image $image present"
  exit 0
fi
rootfs=$(mktemp -d /tmp/syn-rootfs.XXXXXX)
trap 'rm -rf "$rootfs"' EXIT
echo "building base image $image with debootstrap (takes a couple of minutes)"
debootstrap --variant=minbase --include=openjdk-17-jre-headless bookworm "$rootfs" http://deb.debian.org/debian >/tmp/syn-debootstrap.log 2>&1 \
  || { tail -20 /tmp/syn-debootstrap.log; exit 1; }
tar -C "$rootfs" -c . | docker import \
  -c 'ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64' \
  -c 'ENV PATH=/usr/lib/jvm/java-17-openjdk-amd64/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  - "$image" >/dev/null
echo "built base image $image"
