/** Benchmarks of the history store, run by {@code history-store/bench.sh}; not unit tests. */
package org.backplane.history.bench;
