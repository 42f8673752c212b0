package org.backplane.samples.trading;

import org.backplane.client.BusClient;
import org.backplane.client.BusMessage;
import org.backplane.client.StartPosition;
import org.backplane.client.Subscription;
import org.backplane.client.TopicInfo;

import java.io.PrintWriter;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A subscriber that joins while the feed is running: it subscribes to {@code /DEMO/QUOTES/*}
 * from the start, so it first receives the history (replay) and then, in the same stream, new
 * quotes as they are posted (live). It checks what the bus promises (GUARANTEES.md B2): per topic
 * every seq exactly once and in order, from the first retained one on, with no gap and no
 * duplicate at the switch from replay to live. Messages arrive on the subscription's dispatch
 * thread; the getters are safe from any thread.
 */
public final class LateSubscriber implements AutoCloseable {
    private final BusClient client;
    private final PrintWriter out;
    /** Per topic: the last seq posted when this subscriber joined (replay ends there). */
    private final Map<String, Long> joinedAt = new ConcurrentHashMap<>();
    /** Per topic: the first seq the server still held when this subscriber joined. */
    private final Map<String, Long> firstRetained = new ConcurrentHashMap<>();
    /** Per topic: the last seq received. */
    private final LastSeqs lastSeqs = new LastSeqs();
    private final AtomicLong replayed = new AtomicLong();
    private final AtomicLong live = new AtomicLong();
    private final AtomicLong gaps = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private volatile boolean replayDone;
    private long joinNs;
    private Subscription subscription;

    /** A subscriber on {@code client} that reports to {@code out}. */
    public LateSubscriber(BusClient client, PrintWriter out) {
        this.client = client;
        this.out = out;
    }

    /**
     * Notes how far every quote topic has got, then subscribes from the start. Caller's thread.
     */
    public void join() {
        long backlog = 0;
        for (TopicInfo t : client.topics("/DEMO/QUOTES/*")) {
            firstRetained.put(t.name(), t.retainedCount() == 0 ? t.lastSeq() + 1 : t.firstSeq());
            if (t.retainedCount() > 0) {
                joinedAt.put(t.name(), t.lastSeq());
            }
            backlog += t.retainedCount();
        }
        out.printf("late   a subscriber joins /DEMO/QUOTES/* from the start: %,d quotes on %d topics to replay%n",
                backlog, joinedAt.size());
        joinNs = System.nanoTime();
        replayDone = joinedAt.isEmpty();
        subscription = client.subscribe("/DEMO/QUOTES/*", StartPosition.fromStart(), this::onMessage);
    }

    /** Dispatch thread. */
    private void onMessage(BusMessage m) {
        String topic = m.topic();
        Long last = lastSeqs.last(topic);
        long expected = last != null ? last + 1 : firstRetained.getOrDefault(topic, 1L);
        if (m.seq() < expected) {
            duplicates.incrementAndGet();
            return;
        }
        if (m.seq() > expected) {
            gaps.addAndGet(m.seq() - expected);
        }
        lastSeqs.received(topic, m.seq());
        boolean fromHistory = m.seq() <= joinedAt.getOrDefault(topic, 0L);
        if (fromHistory) {
            replayed.incrementAndGet();
        } else {
            if (live.incrementAndGet() == 1) {
                out.printf("late   first live quote: %s #%d %s%n", topic, m.seq(), m.payloadAsText());
            }
        }
        if (!replayDone && hasSeen(joinedAt)) {
            replayDone = true;
            out.printf("late   replayed %,d quotes in %d ms (%s), now live%n", replayed.get(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - joinNs), ranges());
        }
    }

    private String ranges() {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, Long> e : new TreeMap<>(joinedAt).entrySet()) {
            if (b.length() > 0) {
                b.append(", ");
            }
            String symbol = e.getKey().substring(e.getKey().lastIndexOf('/') + 1);
            b.append(symbol).append(" #").append(firstRetained.get(e.getKey())).append("-#").append(e.getValue());
        }
        return b.toString();
    }

    /** True once it has received, for every topic in {@code seqs}, at least that seq. */
    public boolean hasSeen(Map<String, Long> seqs) {
        return lastSeqs.reached(seqs);
    }

    /** True once it has joined. */
    public boolean joined() {
        return subscription != null;
    }

    /** Messages received from the history (seq at or below the topic's last seq at joining). */
    public long replayed() {
        return replayed.get();
    }

    /** Messages received live (posted after it joined). */
    public long live() {
        return live.get();
    }

    /** Seqs that never arrived (0 when the bus keeps its promise). */
    public long gaps() {
        return gaps.get();
    }

    /** Seqs that arrived twice or out of order (0 when the bus keeps its promise). */
    public long duplicates() {
        return duplicates.get();
    }

    /** The first seq it expected per topic: the first retained one at joining, else 1. */
    public long firstExpected(String topic) {
        return firstRetained.getOrDefault(topic, 1L);
    }

    /** Closes the subscription (the client stays open). */
    @Override
    public void close() {
        if (subscription != null) {
            subscription.close();
        }
    }
}
