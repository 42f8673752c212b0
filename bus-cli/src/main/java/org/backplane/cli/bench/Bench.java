package org.backplane.cli.bench;

import org.HdrHistogram.Histogram;
import org.backplane.client.BusClient;
import org.backplane.client.BusMessage;
import org.backplane.client.ClientOptions;
import org.backplane.client.PublishAck;
import org.backplane.client.StartPosition;
import org.backplane.client.Subscription;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Runs one end-to-end benchmark against a running server: {@code publishers} connections each
 * publishing to its own fresh topic {@code /BENCH/<run>/P<i>}, {@code subscribers} connections
 * each subscribed from the start to that topic (one publisher) or to {@code /BENCH/<run>/*}, all in this JVM so send and receive
 * times share one clock. A warmup phase, then the measured phase; then it waits for every acked
 * message to reach every subscriber and checks each one.
 *
 * <p>Message layout (big-endian): bytes 0-7 send {@code System.nanoTime()}, 8-15 the seq the
 * publisher expects it to get (its count on the topic), 16 the phase (0 warmup, 1 measured),
 * 17-18 the publisher, the rest a filler that depends on the seq (so a corrupted or swapped
 * payload is caught).
 *
 * <p>Threads: one per publisher (named {@code bench-pub-<i>}), the subscriptions' dispatch
 * threads (handlers), and the caller's, which waits. Waiting publishers park, never spin.
 */
public final class Bench {
    private static final int PHASE_WARMUP = 0;
    private static final int PHASE_MEASURE = 1;
    private static final long LATE_NS = TimeUnit.MILLISECONDS.toNanos(1);

    private final BenchSettings settings;
    private final String servers;
    private final String prefix;
    private final Consumer<String> progress;

    /**
     * A run of {@code settings} against {@code servers} ({@code host:port,...}); {@code progress}
     * hears a line at each phase change (caller's and publisher threads).
     */
    public Bench(BenchSettings settings, String servers, Consumer<String> progress) {
        this.settings = settings;
        this.servers = servers;
        this.progress = progress;
        this.prefix = "/BENCH/" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE).toUpperCase(Locale.ROOT);
    }

    /**
     * Runs the benchmark and returns its figures; blocks for warmup + duration + the drain.
     * {@code serverDescription} is copied into the result. Caller's thread.
     *
     * @throws org.backplane.client.BusException if a server cannot be reached
     */
    public BenchResult run(String serverDescription) throws InterruptedException {
        int nPub = settings.publishers();
        List<BusClient> clients = new ArrayList<>();
        List<Checker> checkers = new ArrayList<>();
        List<Subscription> subscriptions = new ArrayList<>();
        try {
            for (int s = 0; s < settings.subscribers(); s++) {
                BusClient c = connect("bench-sub-" + s);
                clients.add(c);
                Checker checker = new Checker(nPub, settings.messageBytes());
                checkers.add(checker);
                // one publisher: the literal topic (the common case, and what the peers measure)
                String pattern = nPub == 1 ? topic(0) : prefix + "/*";
                subscriptions.add(c.subscribe(pattern, StartPosition.fromStart(), checker::onMessage));
            }
            List<Publisher> publishers = new ArrayList<>();
            for (int p = 0; p < nPub; p++) {
                BusClient c = connect("bench-pub-" + p);
                clients.add(c);
                publishers.add(new Publisher(p, c, checkers));
            }
            progress.accept(String.format(Locale.ROOT, "bench: topics %s/P0..P%d, warmup %d ms, then %d ms measured",
                    prefix, nPub - 1, settings.warmup().toMillis(), settings.duration().toMillis()));
            long startNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2);
            long measureNs = startNs + settings.warmup().toNanos();
            long endNs = measureNs + settings.duration().toNanos();
            List<Thread> threads = new ArrayList<>();
            for (Publisher p : publishers) {
                Thread t = new Thread(() -> p.run(startNs, measureNs, endNs), "bench-pub-" + p.index);
                t.start();
                threads.add(t);
            }
            for (Thread t : threads) {
                t.join();
            }
            Duration settle = Duration.ofSeconds(30);
            for (Publisher p : publishers) {
                p.client.flush(settle);
            }
            long[] acked = new long[nPub];
            long ackedTotal = 0;
            long failed = 0;
            long sentTotal = 0;
            long sent = 0;
            long firstSendNs = Long.MAX_VALUE;
            long lastSendNs = Long.MIN_VALUE;
            long late = 0;
            for (Publisher p : publishers) {
                acked[p.index] = p.acked.get();
                ackedTotal += acked[p.index];
                failed += p.failed.get();
                sentTotal += p.count;
                sent += p.measured;
                late += p.late;
                if (p.measured > 0) {
                    firstSendNs = Math.min(firstSendNs, p.firstMeasuredSendNs);
                    lastSendNs = Math.max(lastSendNs, p.lastSendNs);
                }
            }
            progress.accept(String.format(Locale.ROOT, "bench: %,d published (%,d acked); waiting for the subscribers",
                    sentTotal, ackedTotal));
            awaitDelivered(checkers, acked, Duration.ofSeconds(30));
            for (Subscription s : subscriptions) {
                s.close(); // joins the dispatch thread: the checkers' fields are safe to read after this
            }
            Histogram latency = new Histogram(Checker.MAX_LATENCY_NS, 3);
            long delivered = 0;
            long lastReceiveNs = Long.MIN_VALUE;
            long lost = 0;
            long duplicated = 0;
            long misnumbered = 0;
            for (Checker c : checkers) {
                latency.add(c.latency);
                delivered += c.measured;
                lastReceiveNs = Math.max(lastReceiveNs, c.lastMeasuredReceiveNs);
                duplicated += c.duplicated;
                misnumbered += c.misnumbered;
                for (int p = 0; p < nPub; p++) {
                    lost += c.lostOn(p, acked[p]);
                }
            }
            double publishSeconds = sent > 1 ? (lastSendNs - firstSendNs) / 1e9 : 0;
            double deliverSeconds = delivered > 0 ? (lastReceiveNs - firstSendNs) / 1e9 : 0;
            return new BenchResult(settings, serverDescription, sent, sentTotal, ackedTotal, failed, delivered,
                    publishSeconds, deliverSeconds, BenchResult.Latency.of(latency), lost, duplicated, misnumbered, late);
        } finally {
            for (Subscription s : subscriptions) {
                s.close();
            }
            for (BusClient c : clients) {
                c.close();
            }
        }
    }

    private String topic(int publisher) {
        return prefix + "/P" + publisher;
    }

    private BusClient connect(String name) {
        return BusClient.connect(ClientOptions.builder().servers(servers).name(name).build());
    }

    /** Waits until every subscriber has every acked message of every publisher, or the timeout. */
    private void awaitDelivered(List<Checker> checkers, long[] acked, Duration timeout) throws InterruptedException {
        long deadlineNs = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() - deadlineNs < 0) {
            boolean all = true;
            for (Checker c : checkers) {
                for (int p = 0; p < acked.length && all; p++) {
                    all = c.highestSeq(p) >= acked[p];
                }
            }
            if (all) {
                return;
            }
            Thread.sleep(5);
        }
        progress.accept("bench: subscribers still missing messages after " + timeout.toSeconds() + " s");
    }

    /** One publisher: its thread, its topic, its counts. Fields are read after its thread ends. */
    private final class Publisher {
        final int index;
        final BusClient client;
        final List<Checker> checkers;
        final String topic;
        final BiConsumer<PublishAck, Throwable> onSettled = this::settled;
        final AtomicLong acked = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        long count;
        long measured;
        long late;
        long firstMeasuredSendNs;
        long lastSendNs;

        Publisher(int index, BusClient client, List<Checker> checkers) {
            this.index = index;
            this.client = client;
            this.checkers = checkers;
            this.topic = topic(index);
        }

        /** Publisher thread: warmup until {@code measureNs}, measured phase until {@code endNs}. */
        void run(long startNs, long measureNs, long endNs) {
            long intervalNs = settings.throughputMode() ? 0 : TimeUnit.SECONDS.toNanos(1) * settings.publishers() / settings.rate();
            long window = settings.windowMessages();
            int size = settings.messageBytes();
            long sendNo = 0;
            while (true) {
                long nowNs = System.nanoTime();
                if (intervalNs > 0) {
                    long dueNs = startNs + sendNo * intervalNs;
                    while ((nowNs = System.nanoTime()) < dueNs) {
                        LockSupport.parkNanos(dueNs - nowNs);
                    }
                    if (nowNs - dueNs > LATE_NS) {
                        late++;
                    }
                } else {
                    while (count - slowestSubscriber() >= window && (nowNs = System.nanoTime()) < endNs) {
                        LockSupport.parkNanos(20_000);
                    }
                }
                if (nowNs >= endNs) {
                    return;
                }
                int phase = nowNs >= measureNs ? PHASE_MEASURE : PHASE_WARMUP;
                long seq = count + 1;
                byte[] payload = new byte[size];
                Checker.fill(payload, seq, phase, index);
                long sendNs = System.nanoTime();
                Checker.putLong(payload, 0, sendNs);
                client.publish(topic, payload).whenComplete(onSettled);
                count++;
                sendNo++;
                if (phase == PHASE_MEASURE) {
                    if (measured++ == 0) {
                        firstMeasuredSendNs = sendNs;
                        if (index == 0 && settings.warmup().toNanos() > 0) {
                            progress.accept("bench: warmup done, measuring");
                        }
                    }
                    lastSendNs = sendNs;
                }
            }
        }

        private void settled(PublishAck ack, Throwable failure) {
            if (failure != null) {
                failed.incrementAndGet();
            } else {
                acked.incrementAndGet();
            }
        }

        private long slowestSubscriber() {
            long min = Long.MAX_VALUE;
            for (Checker c : checkers) {
                min = Math.min(min, c.highestSeq(index));
            }
            return min;
        }
    }

    /**
     * One subscriber's check and latency record. {@link #onMessage} runs on its subscription's
     * dispatch thread; {@link #highestSeq} is read by publishers and the waiting thread; the rest
     * is read after the subscription is closed.
     */
    static final class Checker {
        static final long MAX_LATENCY_NS = TimeUnit.MINUTES.toNanos(5);
        private static final int FILLER_AT = 19;
        private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

        private final int messageBytes;
        private final AtomicLongArray highest;
        final Histogram latency = new Histogram(MAX_LATENCY_NS, 3);
        long measured;
        long lastMeasuredReceiveNs = Long.MIN_VALUE;
        long duplicated;
        long misnumbered;
        private final long[] gapsSeen;

        Checker(int publishers, int messageBytes) {
            this.messageBytes = messageBytes;
            this.highest = new AtomicLongArray(publishers);
            this.gapsSeen = new long[publishers];
        }

        /** Dispatch thread. */
        void onMessage(BusMessage m) {
            long nowNs = System.nanoTime();
            byte[] b = m.payload();
            if (b.length != messageBytes) {
                misnumbered++;
                return;
            }
            int publisher = ((b[17] & 0xff) << 8) | (b[18] & 0xff);
            if (publisher >= gapsSeen.length) {
                misnumbered++;
                return;
            }
            long seq = m.seq();
            long prior = highest.get(publisher);
            if (seq <= prior) {
                duplicated++;
                return;
            }
            if (seq > prior + 1) {
                gapsSeen[publisher] += seq - prior - 1;
            }
            if (getLong(b, 8) != seq || !filledFor(b, seq)) {
                misnumbered++;
            }
            highest.lazySet(publisher, seq);
            if (b[16] == PHASE_MEASURE) {
                latency.recordValue(Math.min(Math.max(0, nowNs - getLong(b, 0)), MAX_LATENCY_NS));
                measured++;
                lastMeasuredReceiveNs = nowNs;
            }
        }

        /** The highest seq received from {@code publisher}'s topic. Any thread. */
        long highestSeq(int publisher) {
            return highest.get(publisher);
        }

        /** Seqs of {@code publisher} up to {@code acked} never received (after the subscription closed). */
        long lostOn(int publisher, long acked) {
            long missingAtEnd = Math.max(0, acked - highest.get(publisher));
            return gapsSeen[publisher] + missingAtEnd;
        }

        static void fill(byte[] b, long seq, int phase, int publisher) {
            putLong(b, 8, seq);
            b[16] = (byte) phase;
            b[17] = (byte) (publisher >>> 8);
            b[18] = (byte) publisher;
            Arrays.fill(b, FILLER_AT, b.length, (byte) seq);
        }

        /** True if the filler is the seq's low byte throughout; eight bytes at a time. */
        private static boolean filledFor(byte[] b, long seq) {
            byte f = (byte) seq;
            long eight = (f & 0xffL) * 0x0101_0101_0101_0101L;
            int i = FILLER_AT;
            for (; i + Long.BYTES <= b.length; i += Long.BYTES) {
                if ((long) LONGS.get(b, i) != eight) {
                    return false;
                }
            }
            for (; i < b.length; i++) {
                if (b[i] != f) {
                    return false;
                }
            }
            return true;
        }

        static void putLong(byte[] b, int at, long v) {
            LONGS.set(b, at, v);
        }

        static long getLong(byte[] b, int at) {
            return (long) LONGS.get(b, at);
        }
    }
}
