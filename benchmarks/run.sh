#!/usr/bin/env bash
# Syn for Spring's benchmarks; benchmarks/README.md says what each part measures and lists the options.
#
#   benchmarks/run.sh                          # the cluster benchmark: Syn's 8 phases and every other figure
#   benchmarks/run.sh --only phases            # some parts only
#   benchmarks/run.sh links                    # messages and calls to processes on another node
#
# Writes benchmarks/target/results.json (links: link-results.json).
set -euo pipefail
main=io.synspring.bench.ClusterBenchmark
if [[ "${1:-}" == links ]]; then
  main=io.synspring.bench.LinkBenchmark
  shift
fi
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
cd "$root"
./mvnw -q -pl benchmarks -am package -DskipTests
heap=3g
for arg in "$@"; do
  case "$arg" in *1000000*|*1_000_000*) heap=5g ;; esac
done
[[ $main == *LinkBenchmark ]] && heap=1g
memory=("-Xms$heap" -XX:+AlwaysPreTouch -XX:+UseTransparentHugePages)
for arg in "$@"; do
  [[ "$arg" == --no-pre-touch ]] && memory=(-Xms1g)
done
cd "$here"
exec java "${memory[@]}" "-Xmx$heap" -XX:+UseG1GC -Djava.net.preferIPv4Stack=true -Dhazelcast.logging.type=slf4j \
  --add-modules java.se --add-exports java.base/jdk.internal.ref=ALL-UNNAMED \
  --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED \
  --add-opens java.management/sun.management=ALL-UNNAMED \
  --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED \
  -cp "target/classes:$(cat target/classpath.txt)" $main --peer-heap "$heap" "$@"
