/**
 * {@code bus bench}: an end-to-end publish-to-subscribe benchmark through a real server, with the
 * methodology of {@code /work/shared/bench/peers} (same clock for send and receive; throughput =
 * received / (last receive - first send) with the publisher at most a window ahead of the
 * subscribers; latency at a fixed rate paced on an absolute schedule, no spinning) and every
 * message checked: per topic every seq once and in order, the payload intact
 * (GUARANTEES.md B1, B2, B8). {@link org.backplane.cli.bench.Bench} runs it,
 * {@link org.backplane.cli.bench.BenchSettings} says what to run,
 * {@link org.backplane.cli.bench.BenchResult} holds and prints the figures.
 */
package org.backplane.cli.bench;
