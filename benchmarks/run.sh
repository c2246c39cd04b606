#!/usr/bin/env bash
# Syn for Spring's cluster benchmark, in the shape of Syn's own: a master and 2 peer JVMs on this machine,
# 100k processes (default) on the peers, 100 workers per peer, each phase timed until the master agrees.
# Prints a table and writes benchmarks/target/results.json.
#
#   benchmarks/run.sh                          # the default size (100,000 processes), 3 rounds, + 10k scaling
#   benchmarks/run.sh --processes 2000         # a quick look
#   benchmarks/run.sh --sizes 10000,1000000    # phase rates at other sizes as well (1M needs ~4 GB per JVM)
#   options: --rounds R, --no-warmup, --no-jmh, --quick, --peer-heap 3g, --out FILE
#
#   benchmarks/run.sh links                    # messages and calls to processes on another node (LinkBenchmark),
#                                              # plain TCP and mutual TLS; writes benchmarks/target/link-results.json
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
cd "$here"
exec java -Xms1g "-Xmx$heap" -XX:+UseG1GC -Djava.net.preferIPv4Stack=true -Dhazelcast.logging.type=slf4j \
  --add-modules java.se --add-exports java.base/jdk.internal.ref=ALL-UNNAMED \
  --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED \
  --add-opens java.management/sun.management=ALL-UNNAMED \
  --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED \
  -cp "target/classes:$(cat target/classpath.txt)" $main --peer-heap "$heap" "$@"
