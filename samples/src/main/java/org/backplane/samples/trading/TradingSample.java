package org.backplane.samples.trading;

import org.backplane.client.BusClient;
import org.backplane.client.ClientOptions;
import org.backplane.client.StartPosition;
import org.backplane.client.Subscription;

import java.io.PrintWriter;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The trading sample, start to end: a {@link QuoteFeed} posts quotes for a few symbols, an
 * {@link IndexCalculator} turns them into an index, and after a few seconds a
 * {@link LateSubscriber} joins, replays what it missed and continues live. Each part is its own
 * client connection, as it would be its own program. When the feed stops, the run waits until
 * everyone has caught up and prints a summary: counts, gaps and duplicates (none), and whether
 * the index matches the feed's last prices.
 *
 * <p>Run it against any server:
 * <pre>
 * ./bus server &amp;                                  # or any running Backplane server
 * ./bus demo --servers 127.0.0.1:7420             # this sample through the CLI, or:
 * java -cp "bus-cli/target/bus-cli.jar:bus-cli/target/lib/*" org.backplane.samples.trading.TradingSample 127.0.0.1:7420
 * </pre>
 * ({@code ./bus demo} alone runs it against an embedded server with a temporary data directory.)
 */
public final class TradingSample {
    private TradingSample() {}

    /**
     * What to run.
     *
     * @param symbols the instruments, one topic each
     * @param quotesPerSecond quotes per second over all symbols
     * @param feedDuration how long the feed runs
     * @param lateJoinAfter when the late subscriber joins, counted from the feed's start
     * @param seed seed of the prices' random walk
     */
    public record Settings(List<String> symbols, int quotesPerSecond, Duration feedDuration, Duration lateJoinAfter,
                           long seed) {
        /** Validates: 1..26 symbols, 1..100,000 quotes/s, the late join before the feed ends. */
        public Settings {
            symbols = List.copyOf(symbols);
            if (symbols.isEmpty() || symbols.size() > 26) {
                throw new IllegalArgumentException("1 to 26 symbols, got " + symbols.size());
            }
            if (quotesPerSecond < 1 || quotesPerSecond > 100_000) {
                throw new IllegalArgumentException("quotesPerSecond must be 1..100000, got " + quotesPerSecond);
            }
            if (feedDuration.isNegative() || feedDuration.isZero() || lateJoinAfter.isNegative()
                    || lateJoinAfter.compareTo(feedDuration) >= 0) {
                throw new IllegalArgumentException("need 0 <= lateJoinAfter < feedDuration, got " + lateJoinAfter
                        + " and " + feedDuration);
            }
        }

        /** Five symbols, 200 quotes/s for 8 s, the late subscriber joining after 3 s, seed 1993. */
        public static Settings defaults() {
            return new Settings(List.of("IBM", "AAPL", "MSFT", "ORCL", "SAP"), 200, Duration.ofSeconds(8),
                    Duration.ofSeconds(3), 1993);
        }
    }

    /**
     * What happened.
     *
     * @param published quotes posted
     * @param failed postings refused or timed out
     * @param topics quote topics
     * @param replayed quotes the late subscriber received from the history
     * @param live quotes it received live
     * @param expected quotes it should have received (every seq from the first retained one to the last)
     * @param gaps seqs it never received
     * @param duplicates seqs it received twice or out of order
     * @param indexCents the calculator's final index
     * @param expectedIndexCents the index of the feed's last prices
     * @param lastPostedIndexCents the last index value on {@value IndexCalculator#TOPIC} (-1 if none)
     * @param indexPostings index values published
     * @param elapsed how long the run took
     */
    public record Summary(long published, long failed, int topics, long replayed, long live, long expected, long gaps,
                          long duplicates, long indexCents, long expectedIndexCents, long lastPostedIndexCents,
                          long indexPostings, Duration elapsed) {
        /** Quotes the late subscriber received. */
        public long received() {
            return replayed + live;
        }

        /** True if nothing was lost, duplicated or refused and the index is right. */
        public boolean ok() {
            return failed == 0 && gaps == 0 && duplicates == 0 && received() == expected
                    && indexCents == expectedIndexCents && lastPostedIndexCents == expectedIndexCents;
        }
    }

    /**
     * Runs the sample against {@code servers} ({@code host:port,...}), narrating on {@code out} (which
     * should flush each line: the story unfolds over seconds).
     * Blocks for about the feed's duration. Any thread.
     *
     * @throws org.backplane.client.BusException if a server cannot be reached
     */
    public static Summary run(String servers, Settings settings, PrintWriter out) throws InterruptedException {
        long startNs = System.nanoTime();
        out.printf("feed   %d quotes/s for %d s on /DEMO/QUOTES/<SYMBOL> (%s), keyed by symbol, seed %d%n",
                settings.quotesPerSecond(), settings.feedDuration().toSeconds(), String.join(" ", settings.symbols()),
                settings.seed());
        out.printf("index  %s = mean of the last price of each symbol, from one subscription to /DEMO/QUOTES/*%n",
                IndexCalculator.TOPIC);
        try (BusClient feedClient = connect(servers, "quote-feed");
             BusClient indexClient = connect(servers, "index-calculator");
             BusClient lateClient = connect(servers, "late-subscriber");
             IndexCalculator index = new IndexCalculator(indexClient);
             LateSubscriber late = new LateSubscriber(lateClient, out)) {
            index.start();
            QuoteFeed feed = new QuoteFeed(feedClient, settings.symbols(), settings.seed());
            Thread feedThread = new Thread(() -> feed.run(settings.quotesPerSecond(), settings.feedDuration()),
                    "quote-feed");
            long feedStartNs = System.nanoTime();
            feedThread.start();
            long nextReportNs = feedStartNs + TimeUnit.SECONDS.toNanos(1);
            long joinNs = feedStartNs + settings.lateJoinAfter().toNanos();
            while (feedThread.isAlive()) {
                long nowNs = System.nanoTime();
                if (!late.joined() && nowNs >= joinNs) {
                    late.join();
                }
                if (nowNs >= nextReportNs) {
                    report(out, TimeUnit.NANOSECONDS.toSeconds(nowNs - feedStartNs + 500_000_000), feed, index, late);
                    nextReportNs += TimeUnit.SECONDS.toNanos(1);
                }
                long wakeNs = late.joined() ? nextReportNs : Math.min(nextReportNs, joinNs);
                feedThread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(wakeNs - System.nanoTime())));
            }
            if (!late.joined()) {
                late.join();
            }
            feed.awaitAcks(Duration.ofSeconds(10));
            Map<String, Long> finalSeqs = feed.ackedSeqs();
            boolean caughtUp = awaitCaughtUp(finalSeqs, index, late, Duration.ofSeconds(10));
            index.awaitAcks(Duration.ofSeconds(10));
            long lastPosted = lastPostedIndex(lateClient);
            long expected = 0;
            for (Map.Entry<String, Long> e : finalSeqs.entrySet()) {
                expected += e.getValue() - late.firstExpected(e.getKey()) + 1;
            }
            Summary summary = new Summary(feed.published(), feed.failed(), finalSeqs.size(), late.replayed(),
                    late.live(), expected, late.gaps(), late.duplicates(), index.indexCents(),
                    IndexCalculator.index(feed.lastPrices()), lastPosted, index.postings(),
                    Duration.ofNanos(System.nanoTime() - startNs));
            if (!caughtUp) {
                out.println("summary  (the subscribers had not caught up after 10 s)");
            }
            print(summary, out);
            return summary;
        }
    }

    /** One line a second: quotes posted, the last prices, the index, the late subscriber's counts. */
    private static void report(PrintWriter out, long second, QuoteFeed feed, IndexCalculator index, LateSubscriber late) {
        StringBuilder prices = new StringBuilder();
        feed.lastPrices().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> prices.append(e.getKey()).append(' ').append(Quote.price(e.getValue())).append("  "));
        String lateText = late.joined() ? String.format("  late %,d replayed + %,d live", late.replayed(), late.live()) : "";
        out.printf("%3ds   %,6d quotes  %s %s %s%s%n", second, feed.published(), prices,
                IndexCalculator.NAME, index.indexCents() < 0 ? "-" : Quote.price(index.indexCents()), lateText);
    }

    /** Waits until the index and the late subscriber have every acked seq; polls with a deadline. */
    private static boolean awaitCaughtUp(Map<String, Long> seqs, IndexCalculator index, LateSubscriber late,
                                         Duration timeout) throws InterruptedException {
        long deadlineNs = System.nanoTime() + timeout.toNanos();
        while (!(index.hasSeen(seqs) && late.hasSeen(seqs))) {
            if (System.nanoTime() - deadlineNs > 0) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    /** The last index value on the index topic, read back with a "last 1" subscription; -1 if none. */
    private static long lastPostedIndex(BusClient client) throws InterruptedException {
        CompletableFuture<String> last = new CompletableFuture<>();
        Subscription s = client.subscribe(IndexCalculator.TOPIC, StartPosition.lastN(1),
                m -> last.complete(m.payloadAsText()));
        try {
            String text = last.get(5, TimeUnit.SECONDS);
            return new BigDecimal(text.substring(text.indexOf(' ') + 1)).movePointRight(2).longValueExact();
        } catch (ExecutionException | TimeoutException e) {
            return -1;
        } finally {
            s.close();
        }
    }

    /** Prints the summary block. */
    public static void print(Summary s, PrintWriter out) {
        out.println();
        out.printf("summary  published  %,d quotes on %d topics%s%n", s.published(), s.topics(),
                s.failed() == 0 ? "" : String.format(" (%,d FAILED)", s.failed()));
        out.printf("         late       %,d replayed + %,d live = %,d of %,d expected, %,d gaps, %,d duplicates%n",
                s.replayed(), s.live(), s.received(), s.expected(), s.gaps(), s.duplicates());
        out.printf("         index      %s %s from %,d index postings; the feed's last prices give %s%s%n",
                IndexCalculator.NAME, Quote.price(s.indexCents()), s.indexPostings(), Quote.price(s.expectedIndexCents()),
                s.lastPostedIndexCents() == s.indexCents() ? "" : "; last posted "
                        + (s.lastPostedIndexCents() < 0 ? "none" : Quote.price(s.lastPostedIndexCents())));
        out.printf("         result     %s in %.1f s%n", s.ok() ? "OK: every quote once, in order; index correct"
                : "FAILED", s.elapsed().toMillis() / 1000.0);
    }

    private static BusClient connect(String servers, String name) {
        return BusClient.connect(ClientOptions.builder().servers(servers).name(name).build());
    }

    /**
     * Runs the sample with its default settings against the servers in {@code args[0]}, else
     * {@code $BUS_SERVERS}, else {@code 127.0.0.1:7420}; exits 0 if the summary is OK.
     */
    public static void main(String[] args) throws InterruptedException {
        List<String> a = new ArrayList<>(List.of(args));
        String servers = !a.isEmpty() ? a.get(0)
                : System.getenv("BUS_SERVERS") != null ? System.getenv("BUS_SERVERS") : "127.0.0.1:7420";
        Summary s = run(servers, Settings.defaults(), new PrintWriter(System.out, true));
        System.exit(s.ok() ? 0 : 1);
    }
}
