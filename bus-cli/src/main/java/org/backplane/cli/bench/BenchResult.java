package org.backplane.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The figures of one run and its check. Throughput counts the measured phase only:
 * {@code delivered / (last receive - first send)}, as the peers' harness does; latency is
 * receive time minus the time just before the publish call, on the same clock. Immutable.
 *
 * @param settings what was run
 * @param server where: {@code host:port} and whether embedded
 * @param sent messages published in the measured phase (all publishers)
 * @param sentTotal messages published including the warmup
 * @param acked messages the server acked (all phases)
 * @param failed messages refused or timed out (all phases)
 * @param delivered deliveries in the measured phase (all subscribers)
 * @param publishSeconds first to last send of the measured phase
 * @param deliverSeconds first send to last receive of the measured phase
 * @param latency publish-to-deliver latency of the measured phase
 * @param lost seqs a subscriber never received
 * @param duplicated seqs a subscriber received more than once, or behind a later one
 * @param misnumbered messages whose seq is not the one their publisher gave them, or whose payload
 *     was changed
 * @param producerLate sends more than 1 ms behind their schedule (paced mode; 0 in throughput mode)
 */
public record BenchResult(BenchSettings settings, String server, long sent, long sentTotal, long acked, long failed,
                          long delivered, double publishSeconds, double deliverSeconds, Latency latency, long lost,
                          long duplicated, long misnumbered, long producerLate) {

    /**
     * Latency percentiles in microseconds.
     *
     * @param samples messages measured
     */
    public record Latency(long samples, double p50, double p90, double p99, double p999, double max, double mean) {
        /** The percentiles of {@code h}, recorded in nanoseconds. */
        static Latency of(Histogram h) {
            if (h.getTotalCount() == 0) {
                return new Latency(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
            }
            return new Latency(h.getTotalCount(), us(h.getValueAtPercentile(50)), us(h.getValueAtPercentile(90)),
                    us(h.getValueAtPercentile(99)), us(h.getValueAtPercentile(99.9)), us(h.getMaxValue()),
                    h.getMean() / 1000.0);
        }

        private static double us(long ns) {
            return ns / 1000.0;
        }
    }

    /** Deliveries the subscribers owed: every acked message, once per subscriber. */
    public long expected() {
        return (acked) * settings.subscribers();
    }

    /** True if every acked message reached every subscriber once, in order, intact, and none failed. */
    public boolean ok() {
        return failed == 0 && lost == 0 && duplicated == 0 && misnumbered == 0 && sentTotal == acked;
    }

    /** End-to-end deliveries per second in the measured phase. */
    public double msgsPerSecond() {
        return deliverSeconds > 0 ? delivered / deliverSeconds : 0;
    }

    /** Payload megabytes (10^6) delivered per second. */
    public double megabytesPerSecond() {
        return msgsPerSecond() * settings.messageBytes() / 1e6;
    }

    /** Messages published per second in the measured phase. */
    public double publishedPerSecond() {
        return publishSeconds > 0 ? sent / publishSeconds : 0;
    }

    /** What went wrong, one phrase each; empty if {@link #ok()}. */
    public List<String> problems() {
        List<String> p = new ArrayList<>();
        if (failed > 0) p.add(failed + " publishes FAILED (refused or timed out)");
        if (sentTotal != acked + failed) p.add((sentTotal - acked - failed) + " publishes never settled");
        if (lost > 0) p.add(lost + " messages LOST");
        if (duplicated > 0) p.add(duplicated + " messages DUPLICATED or out of order");
        if (misnumbered > 0) p.add(misnumbered + " messages MISNUMBERED or corrupted");
        return p;
    }

    /** The human-readable report, several lines. */
    public String text() {
        BenchSettings s = settings;
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "bus bench: %d publisher%s -> %d subscriber%s, %d-byte messages, %s, %s (+%s warmup)%n",
                s.publishers(), s.publishers() == 1 ? "" : "s", s.subscribers(), s.subscribers() == 1 ? "" : "s",
                s.messageBytes(), s.throughputMode() ? "as fast as possible" : String.format(Locale.ROOT, "%,d msgs/s", s.rate()),
                seconds(s.duration().toMillis()), seconds(s.warmup().toMillis())));
        b.append(String.format(Locale.ROOT, "server     %s%n", server));
        b.append(String.format(Locale.ROOT, "published  %,d msgs in %.2f s = %,.0f msgs/s%s%n", sent, publishSeconds,
                publishedPerSecond(), producerLate > 0 ? String.format(Locale.ROOT, " (%,d sends > 1 ms late)", producerLate) : ""));
        b.append(String.format(Locale.ROOT, "delivered  %,d msgs = %,.0f msgs/s, %.1f MB/s  (received / (last receive - first send))%n",
                delivered, msgsPerSecond(), megabytesPerSecond()));
        Latency l = latency;
        b.append(String.format(Locale.ROOT, "latency    p50 %s  p90 %s  p99 %s  p99.9 %s  max %s  (publish -> deliver, %,d samples)%n",
                micros(l.p50()), micros(l.p90()), micros(l.p99()), micros(l.p999()), micros(l.max()), l.samples()));
        if (ok()) {
            b.append(String.format(Locale.ROOT, "check      OK: all %,d acked messages delivered to each subscriber once, in seq order, intact%n",
                    acked));
        } else {
            b.append("check      FAILED: ").append(String.join("; ", problems())).append(System.lineSeparator());
        }
        return b.toString();
    }

    /** The report as one JSON object. */
    public String json() {
        ObjectMapper m = new ObjectMapper();
        ObjectNode o = m.createObjectNode();
        o.put("server", server);
        o.put("messageBytes", settings.messageBytes());
        o.put("publishers", settings.publishers());
        o.put("subscribers", settings.subscribers());
        o.put("rate", settings.rate());
        o.put("durationSeconds", settings.duration().toMillis() / 1000.0);
        o.put("warmupSeconds", settings.warmup().toMillis() / 1000.0);
        o.put("sent", sent);
        o.put("sentTotal", sentTotal);
        o.put("acked", acked);
        o.put("failed", failed);
        o.put("delivered", delivered);
        o.put("publishSeconds", publishSeconds);
        o.put("deliverSeconds", deliverSeconds);
        o.put("publishedPerSecond", Math.round(publishedPerSecond()));
        o.put("msgsPerSecond", Math.round(msgsPerSecond()));
        o.put("mbPerSecond", Math.round(megabytesPerSecond() * 10) / 10.0);
        ObjectNode lat = o.putObject("latencyMicros");
        lat.put("samples", latency.samples());
        lat.put("p50", latency.p50());
        lat.put("p90", latency.p90());
        lat.put("p99", latency.p99());
        lat.put("p999", latency.p999());
        lat.put("max", latency.max());
        lat.put("mean", Math.round(latency.mean() * 10) / 10.0);
        o.put("lost", lost);
        o.put("duplicated", duplicated);
        o.put("misnumbered", misnumbered);
        o.put("producerLate", producerLate);
        o.put("ok", ok());
        try {
            return m.writeValueAsString(o);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String seconds(long millis) {
        return millis % 1000 == 0 ? millis / 1000 + " s" : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    private static String micros(double us) {
        if (Double.isNaN(us)) {
            return "-";
        }
        if (us >= 10_000) {
            return String.format(Locale.ROOT, "%.1f ms", us / 1000);
        }
        return String.format(Locale.ROOT, "%.0f µs", us);
    }
}
