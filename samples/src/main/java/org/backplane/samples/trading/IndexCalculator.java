package org.backplane.samples.trading;

import org.backplane.client.BusClient;
import org.backplane.client.BusMessage;
import org.backplane.client.Posting;
import org.backplane.client.StartPosition;
import org.backplane.client.Subscription;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Computes an index from several topics: one pattern subscription to {@code /DEMO/QUOTES/*}
 * starting at the last quote of every symbol ({@link StartPosition#lastN} 1: the current prices,
 * then live), the mean of the latest price per symbol, republished on {@value #TOPIC} (key
 * {@code TECH5}, payload {@code "TECH5 208.42"}) whenever it changes. Messages arrive on the
 * subscription's dispatch thread; the getters are safe from any thread.
 */
public final class IndexCalculator implements AutoCloseable {
    /** Where the index is published. */
    public static final String TOPIC = "/DEMO/INDEX/TECH5";
    /** The index's name, its key and the first word of its payload. */
    public static final String NAME = "TECH5";

    private final BusClient client;
    private final Map<String, Long> lastPrices = new ConcurrentHashMap<>();
    private final LastSeqs lastSeqs = new LastSeqs();
    private final AtomicLong quotes = new AtomicLong();
    private final AtomicLong postings = new AtomicLong();
    private volatile long indexCents = -1;
    private Subscription subscription;

    /** A calculator that publishes with {@code client}. */
    public IndexCalculator(BusClient client) {
        this.client = client;
    }

    /** Subscribes; from now on quotes move the index. Caller's thread. */
    public void start() {
        subscription = client.subscribe("/DEMO/QUOTES/*", StartPosition.lastN(1), this::onQuote);
    }

    /** Dispatch thread: one quote in, maybe one index posting out. */
    private void onQuote(BusMessage m) {
        Quote q = Quote.parse(m);
        lastPrices.put(q.symbol(), q.priceCents());
        lastSeqs.received(m.topic(), m.seq());
        quotes.incrementAndGet();
        long index = index(lastPrices);
        if (index != indexCents) {
            indexCents = index;
            postings.incrementAndGet();
            client.publish(Posting.to(TOPIC).key(NAME).payload(payload(index)));
        }
    }

    /** The index of a set of prices: their mean in cents, rounded half up. */
    public static long index(Map<String, Long> pricesCents) {
        if (pricesCents.isEmpty()) {
            return 0;
        }
        long sum = 0;
        for (long p : pricesCents.values()) {
            sum += p;
        }
        int n = pricesCents.size();
        return (sum + n / 2) / n;
    }

    /** The index payload for {@code cents}: {@code "TECH5 208.42"}. */
    public static byte[] payload(long cents) {
        return (NAME + " " + Quote.price(cents)).getBytes(StandardCharsets.UTF_8);
    }

    /** The index now, in cents (-1 before the first quote). */
    public long indexCents() {
        return indexCents;
    }

    /** Quotes received so far. */
    public long quotes() {
        return quotes.get();
    }

    /** Index values published so far. */
    public long postings() {
        return postings.get();
    }

    /** True once it has received, for every topic in {@code seqs}, at least that seq. */
    public boolean hasSeen(Map<String, Long> seqs) {
        return lastSeqs.reached(seqs);
    }

    /** Waits for its index postings to be acked, up to {@code timeout}. */
    public boolean awaitAcks(Duration timeout) {
        return client.flush(timeout);
    }

    /** Closes the subscription (the client stays open). */
    @Override
    public void close() {
        if (subscription != null) {
            subscription.close();
        }
    }
}
