package org.backplane.server;

import org.backplane.client.BusClient;
import org.backplane.client.BusMessage;
import org.backplane.client.ClientOptions;
import org.backplane.client.StartPosition;
import org.backplane.client.Subscription;
import org.backplane.client.TopicInfo;
import org.backplane.client.TopicPattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * B5, causal order across topics: if a client received m1 (topic X) before it published m2
 * (topic Y), every subscriber of both receives m1 before m2. Reactive clients form chains
 * (receive on T0, publish on T1; receive on T1, publish on T2; ...) and one mixer receives every
 * chain topic and now and then publishes on MIX. Each posting carries what its publisher had
 * received when it published (the highest seq per topic), so a subscriber can check that it
 * received all of that first. Checked on pattern subscriptions: opened before the traffic, opened
 * in the middle of it (replay, then live), and one whose connection is cut repeatedly (resumed).
 * Where B5 holds (one subscription whose pattern covers both topics) is documented in
 * {@code BusClient#subscribe} and docs/PROTOCOL.md. Seeded: rerun with {@code -Dseed=N}.
 */
@Timeout(120)
class CausalOrderIT {
    private static final String PREFIX = "/CAUSAL";
    private static final int CHAIN = 4; // T0 .. T3
    private static final int SOURCE_POSTINGS = 300;

    @Test
    void everyPatternSubscriberReceivesWhatAPostingDependsOnBeforeIt() throws Exception {
        long seed = Long.getLong("seed", System.nanoTime());
        System.out.println("CausalOrderIT seed=" + seed + " (rerun with -Dseed=" + seed + ")");
        Random random = new Random(seed);
        List<BusClient> clients = new ArrayList<>();
        try (EmbeddedServer s = new EmbeddedServer(); TcpProxy proxy = new TcpProxy(s.server.address())) {
            // subscribers that check, opened before any traffic
            List<Checker> checkers = new ArrayList<>();
            checkers.add(checker(connect(s.address(), "all", clients), PREFIX + "/**"));
            checkers.add(checker(connect(s.address(), "one-level", clients), PREFIX + "/*"));
            ClientOptions cut = ClientOptions.builder().servers(proxy.address()).name("cut")
                    .reconnectWait(Duration.ofMillis(10), Duration.ofMillis(50)).subscriptionWindow(64).build();
            BusClient cutClient = BusClient.connect(cut);
            clients.add(cutClient);
            checkers.add(checker(cutClient, PREFIX + "/**"));

            // the reactors: receive on T(i-1), publish on T(i) what they received
            List<Reactor> reactors = new ArrayList<>();
            for (int i = 1; i < CHAIN; i++) {
                Reactor r = new Reactor(connect(s.address(), "chain-" + i, clients), topic("T" + i), 1.0, seed + i);
                r.listen(topic("T" + (i - 1)));
                reactors.add(r);
            }
            Reactor mixer = new Reactor(connect(s.address(), "mixer", clients), topic("MIX"), 0.3, seed);
            mixer.listen(PREFIX + "/*");
            reactors.add(mixer);

            Reactor source = new Reactor(connect(s.address(), "source", clients), topic("T0"), 0, seed);
            for (int n = 1; n <= SOURCE_POSTINGS; n++) {
                source.publish();
                if (n == SOURCE_POSTINGS / 2) {
                    // joins mid-stream: replays what is there, then continues live
                    checkers.add(checker(connect(s.address(), "late", clients), PREFIX + "/**"));
                }
                if (random.nextInt(40) == 0) {
                    proxy.dropAll();
                }
                if (random.nextInt(4) == 0) {
                    Thread.sleep(1); // pacing, so chains overlap with new source postings in varied ways
                }
            }
            // every chain ends with its last reactor; the mixer reacts to every chain posting
            Reactor last = reactors.get(CHAIN - 2);
            Await.until(() -> last.published.get() == SOURCE_POSTINGS, 60_000, "every chain to complete");
            Await.until(() -> mixer.received.get() == (long) CHAIN * SOURCE_POSTINGS, 60_000,
                    "the mixer to receive every chain posting");
            for (Reactor r : reactors) {
                assertTrue(r.client.flush(Duration.ofSeconds(30)), "reactor postings acked");
            }
            long total = 0;
            for (TopicInfo t : clients.get(0).topics(PREFIX + "/**")) {
                total += t.lastSeq();
            }
            assertEquals((long) CHAIN * SOURCE_POSTINGS + mixer.published.get(), total);
            for (Checker c : checkers) {
                long expected = total;
                Await.until(() -> c.received.get() == expected, 60_000, c + " to receive all " + expected);
            }
            System.out.println("CausalOrderIT: " + total + " postings (" + mixer.published.get() + " by the mixer), "
                    + proxy.drops() + " cuts");
            for (Checker c : checkers) {
                assertEquals(List.of(), c.violations, c + ": received a posting before one it depends on");
                assertEquals(total, c.received.get(), c.toString());
            }
        } finally {
            for (BusClient c : clients) {
                c.close();
            }
        }
    }

    private static String topic(String name) {
        return PREFIX + "/" + name;
    }

    private static BusClient connect(String address, String name, List<BusClient> clients) {
        BusClient c = BusClient.connect(ClientOptions.builder().servers(address).name(name).build());
        clients.add(c);
        return c;
    }

    private static Checker checker(BusClient client, String pattern) {
        Checker c = new Checker(client.options().name() + " '" + pattern + "'", TopicPattern.of(pattern));
        c.subscription = client.subscribe(pattern, StartPosition.fromStart(), c::onMessage);
        return c;
    }

    /** Encodes "what I had received when I published this": topic=seq pairs. */
    private static String dependencies(Map<String, Long> highest, long n) {
        StringBuilder b = new StringBuilder("n=").append(n);
        highest.forEach((t, seq) -> b.append(' ').append(t).append('=').append(seq));
        return b.toString();
    }

    /**
     * A client that publishes on one topic; as a reactor it listens on a topic or pattern and,
     * for each message (with some probability), publishes what it has received so far.
     * The handler runs on the subscription's dispatch thread, so "received before published" is
     * the handler's own order.
     */
    private static final class Reactor {
        final BusClient client;
        final String target;
        final double probability;
        final Random random;
        final Map<String, Long> highest = new HashMap<>(); // dispatch thread (or the source's caller)
        final AtomicLong received = new AtomicLong();
        final AtomicLong published = new AtomicLong();

        Reactor(BusClient client, String target, double probability, long seed) {
            this.client = client;
            this.target = target;
            this.probability = probability;
            this.random = new Random(seed);
        }

        void listen(String pattern) {
            client.subscribe(pattern, StartPosition.now(), this::onMessage);
        }

        private void onMessage(BusMessage m) {
            if (m.topic().equals(target)) {
                return; // the mixer hears its own postings
            }
            highest.put(m.topic(), m.seq());
            received.incrementAndGet();
            if (random.nextDouble() < probability) {
                publish();
            }
        }

        void publish() {
            long n = published.incrementAndGet();
            client.publish(target, dependencies(highest, n).getBytes());
        }
    }

    /** A pattern subscription that checks each message's dependencies arrived before it. */
    private static final class Checker {
        final String name;
        final TopicPattern pattern;
        final Map<String, Long> highest = new ConcurrentHashMap<>();
        final List<String> violations = new CopyOnWriteArrayList<>();
        final AtomicLong received = new AtomicLong();
        volatile Subscription subscription;

        Checker(String name, TopicPattern pattern) {
            this.name = name;
            this.pattern = pattern;
        }

        void onMessage(BusMessage m) {
            long previous = highest.getOrDefault(m.topic(), 0L);
            if (m.seq() != previous + 1) {
                violations.add(m.topic() + " #" + m.seq() + " after #" + previous + " (B2)");
            }
            highest.put(m.topic(), m.seq());
            String[] parts = m.payloadAsText().split(" ");
            for (int i = 1; i < parts.length; i++) {
                int eq = parts[i].lastIndexOf('=');
                String topic = parts[i].substring(0, eq);
                long seq = Long.parseLong(parts[i].substring(eq + 1));
                if (pattern.matches(topic) && highest.getOrDefault(topic, 0L) < seq) {
                    violations.add(m.topic() + " #" + m.seq() + " depends on " + topic + " #" + seq
                            + " but only #" + highest.getOrDefault(topic, 0L) + " was received");
                }
            }
            received.incrementAndGet();
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
