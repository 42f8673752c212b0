#!/usr/bin/env bash
# Runs the history-store append+follow benchmark (one writer, one cursor, 100-byte payloads),
# then measures restart from the index checkpoint and by a full scan.
# Usage (from anywhere): history-store/bench.sh [entries=10000000] [topics=100] [filter|topic|none]
#                        history-store/bench.sh open    (start-up: open an empty store in a fresh JVM)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here/.."
mvn -q -o -pl history-store test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test >/dev/null
main=AppendFollowBench
if [ "${1:-}" = open ]; then
  main=OpenBench
  shift
fi
flags="$(sed -n 's:.*<chronicle.jvm.flags>\(.*\)</chronicle.jvm.flags>.*:\1:p' pom.xml)"
# shellcheck disable=SC2086
exec java -Xmx4g $flags ${BENCH_JAVA_OPTS:-} -Dlogback.configurationFile="$here/src/test/resources/logback-test.xml" \
  -cp "$here/target/classes:$here/target/test-classes:$(cat "$here/target/bench-classpath.txt")" \
  "org.backplane.history.bench.$main" "$@"
