#!/usr/bin/env bash
# Builds the local base image `syn-jre:17` (Debian bookworm + OpenJDK 17 JRE, and iptables for the firewall
# suite) for the Testcontainers suite, from Debian's packages with debootstrap: no registry is reachable here,
# so nothing can be pulled. Does nothing if the image exists already with the same packages.
set -euo pipefail
image=${SYN_JRE_IMAGE:-syn-jre:17}
packages=openjdk-17-jre-headless,iptables
if [ "$(docker image inspect -f '{{index .Config.Labels "syn.packages"}}' "$image" 2>/dev/null)" = "$packages" ]; then
  echo "base image $image present"
  exit 0
fi
rootfs=$(mktemp -d /tmp/syn-rootfs.XXXXXX)
trap 'rm -rf "$rootfs"' EXIT
echo "building base image $image with debootstrap (takes a couple of minutes)"
debootstrap --variant=minbase --include=$packages bookworm "$rootfs" http://deb.debian.org/debian >/tmp/syn-debootstrap.log 2>&1 \
  || { tail -20 /tmp/syn-debootstrap.log; exit 1; }
tar -C "$rootfs" -c . | docker import \
  -c 'ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64' \
  -c "LABEL syn.packages=$packages" \
  -c 'ENV PATH=/usr/lib/jvm/java-17-openjdk-amd64/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  - "$image" >/dev/null
echo "built base image $image"
