package org.backplane.samples.trading;

import org.backplane.client.BusClient;
import org.backplane.client.Posting;
import org.backplane.client.PublishAck;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Publishes quotes: each tick moves one symbol's price a few cents (a seeded random walk) and
 * posts it on {@code /DEMO/QUOTES/<SYMBOL>} keyed by the symbol, without waiting for the ack
 * (the client keeps a window of postings in flight). Remembers the last price it posted and the
 * last seq the server acked per topic, which is what the other parts of the sample are checked
 * against. {@link #run} runs on the caller's thread; the getters are safe from any thread.
 */
public final class QuoteFeed {
    private final BusClient client;
    private final List<String> symbols;
    private final Random random;
    private final Map<String, Long> prices = new ConcurrentHashMap<>();
    private final Map<String, Long> ackedSeqs = new ConcurrentHashMap<>();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    /** A feed for {@code symbols} on {@code client}; {@code seed} makes the prices repeatable. */
    public QuoteFeed(BusClient client, List<String> symbols, long seed) {
        this.client = client;
        this.symbols = List.copyOf(symbols);
        this.random = new Random(seed);
        for (String s : symbols) {
            prices.put(s, 10_000 + 100L * random.nextInt(300)); // 100.00 .. 399.00
        }
    }

    /**
     * Posts {@code quotesPerSecond} quotes a second for {@code duration} on a fixed schedule
     * ({@code quotesPerSecond * duration} quotes in all),
     * then returns (acks may still be arriving: see {@link #awaitAcks}). Caller's thread.
     */
    public void run(int quotesPerSecond, Duration duration) {
        long ticks = duration.toMillis() * quotesPerSecond / 1000;
        long startNs = System.nanoTime();
        for (long tick = 0; tick < ticks; tick++) {
            long dueNs = startNs + tick * TimeUnit.SECONDS.toNanos(1) / quotesPerSecond;
            long waitNs;
            while ((waitNs = dueNs - System.nanoTime()) > 0) {
                LockSupport.parkNanos(waitNs);
            }
            publish(nextQuote());
        }
    }

    /** One step of the random walk: a symbol's price moves by -0.25 .. +0.25, never below 1.00. */
    private Quote nextQuote() {
        String symbol = symbols.get(random.nextInt(symbols.size()));
        long price = Math.max(100, prices.get(symbol) + random.nextInt(51) - 25);
        prices.put(symbol, price);
        return new Quote(symbol, price);
    }

    private void publish(Quote q) {
        String topic = Quote.topic(q.symbol());
        published.incrementAndGet();
        client.publish(Posting.to(topic).key(q.symbol()).payload(q.payload()))
                .whenComplete((PublishAck ack, Throwable failure) -> {
                    if (failure != null) {
                        failed.incrementAndGet();
                    } else {
                        ackedSeqs.merge(ack.topic(), ack.seq(), Math::max);
                    }
                });
    }

    /** Waits up to {@code timeout} for every posting to be acked or failed; true if all were. */
    public boolean awaitAcks(Duration timeout) {
        return client.flush(timeout);
    }

    /** Quotes posted so far. */
    public long published() {
        return published.get();
    }

    /** Postings the server refused or that timed out (0 in a healthy run). */
    public long failed() {
        return failed.get();
    }

    /** The last price posted per symbol, in cents. */
    public Map<String, Long> lastPrices() {
        return Map.copyOf(prices);
    }

    /** The highest seq acked per topic. */
    public Map<String, Long> ackedSeqs() {
        return Map.copyOf(ackedSeqs);
    }
}
