package org.backplane.server;

import org.backplane.client.BusClient;
import org.backplane.client.BusMessage;
import org.backplane.client.ClientOptions;
import org.backplane.client.Posting;
import org.backplane.client.PublishAck;
import org.backplane.client.StartPosition;
import org.backplane.client.Subscription;
import org.backplane.client.TopicPattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Concurrent publishers and subscribers over real sockets, every seq and payload checked:
 * B1 (one numbering), B2 (gapless join, also for subscribers joining mid-stream and pattern
 * subscribers), B3 (every acked posting exactly once), B6 (retention and compaction replay
 * exactly what the policy keeps). Seeded; rerun with {@code -Dseed=N}.
 */
@Timeout(180)
class ConcurrentTrafficIT {
    private static final int PUBLISHERS = 4;
    private static final int PER_PUBLISHER = 5000;
    private static final String[] TOPICS = {"/C/T0", "/C/T1", "/C/T2", "/C/X/T3"};

    /** What one subscriber saw, per topic, in arrival order. */
    static final class Recorder {
        final Map<String, List<BusMessage>> byTopic = new ConcurrentHashMap<>();
        final AtomicLong count = new AtomicLong();

        void onMessage(BusMessage m) {
            byTopic.computeIfAbsent(m.topic(), t -> new CopyOnWriteArrayList<>()).add(m);
            count.incrementAndGet();
        }
    }

    @Test
    void concurrentPublishersAndSubscribersSeeOneGaplessNumbering() throws Exception {
        long seed = Long.getLong("seed", System.nanoTime());
        System.out.println("ConcurrentTrafficIT seed=" + seed);
        try (EmbeddedServer s = new EmbeddedServer()) {
            ClientOptions.Builder opts = ClientOptions.builder().servers(s.address()).subscriptionWindow(256);
            List<BusClient> clients = new ArrayList<>();
            BusClient early = connect(opts, "early", clients);
            Recorder fromStart = new Recorder();
            Subscription s1 = early.subscribe("/C/**", StartPosition.fromStart(), fromStart::onMessage);
            Recorder literal = new Recorder();
            Subscription s2 = early.subscribe("/C/T1", StartPosition.fromStart(), literal::onMessage);

            // publishers: each posts to random topics, payload names publisher and index
            Map<String, String> payloadByTopicSeq = new ConcurrentHashMap<>();
            AtomicLong acked = new AtomicLong();
            java.util.concurrent.CountDownLatch lateJoined = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch thirdDone = new java.util.concurrent.CountDownLatch(PUBLISHERS);
            List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < PUBLISHERS; p++) {
                BusClient c = connect(opts, "pub" + p, clients);
                Random r = new Random(seed + p);
                int publisher = p;
                threads.add(new Thread(() -> {
                    Map<String, Long> lastSeqByTopic = new HashMap<>();
                    List<CompletableFuture<PublishAck>> futures = new ArrayList<>();
                    List<String> payloads = new ArrayList<>();
                    for (int i = 0; i < PER_PUBLISHER; i++) {
                        if (i == PER_PUBLISHER / 3) {
                            // the late subscribers join while these postings are still in flight
                            thirdDone.countDown();
                            try {
                                lateJoined.await();
                            } catch (InterruptedException e) {
                                throw new AssertionError(e);
                            }
                        }
                        String topic = TOPICS[r.nextInt(TOPICS.length)];
                        String payload = "p" + publisher + "-" + i;
                        payloads.add(payload);
                        futures.add(c.publish(Posting.to(topic).key("k" + (i % 7)).payload(payload)));
                    }
                    for (int i = 0; i < futures.size(); i++) {
                        PublishAck a = futures.get(i).join();
                        String previous = payloadByTopicSeq.putIfAbsent(a.topic() + "#" + a.seq(), payloads.get(i));
                        if (previous != null) {
                            throw new AssertionError("seq " + a.topic() + "#" + a.seq() + " acked twice");
                        }
                        // one publisher's postings to one topic keep their order
                        Long last = lastSeqByTopic.put(a.topic(), a.seq());
                        if (last != null && last >= a.seq()) {
                            throw new AssertionError("FIFO broken for publisher " + publisher + " on " + a.topic());
                        }
                        acked.incrementAndGet();
                    }
                }, "publisher-" + p));
            }
            threads.forEach(Thread::start);

            // a subscriber joining mid-stream from the start, and a pattern subscriber from "now"
            thirdDone.await();
            BusClient late = connect(opts, "late", clients);
            Recorder lateFromStart = new Recorder();
            Subscription s3 = late.subscribe("/C/*", StartPosition.fromStart(), lateFromStart::onMessage);
            Recorder lateNow = new Recorder();
            Subscription s4 = late.subscribe("/C/**", StartPosition.now(), lateNow::onMessage);
            Recorder lastN = new Recorder();
            Subscription s5 = late.subscribe("/C/X/*", StartPosition.lastN(5), lastN::onMessage);
            lateJoined.countDown();

            for (Thread t : threads) {
                t.join();
            }
            long total = (long) PUBLISHERS * PER_PUBLISHER;
            assertEquals(total, acked.get());
            assertEquals(total, s.server.publishedCount());

            Map<String, Long> count = new HashMap<>();
            for (String key : payloadByTopicSeq.keySet()) {
                count.merge(key.substring(0, key.indexOf('#')), 1L, Long::sum);
            }
            // B1: every topic numbered 1..n with no hole (every acked seq is distinct, see above)
            for (Map.Entry<String, Long> e : count.entrySet()) {
                for (long seq = 1; seq <= e.getValue(); seq++) {
                    assertTrue(payloadByTopicSeq.containsKey(e.getKey() + "#" + seq), e.getKey() + " lacks seq " + seq);
                }
            }
            Await.until(() -> fromStart.count.get() >= total, "early subscriber");
            Await.until(() -> lateFromStart.count.get() >= total - count.getOrDefault("/C/X/T3", 0L), "late subscriber");
            checkFrom(fromStart, TopicPattern.of("/C/**"), count, payloadByTopicSeq, Map.of(), true);
            checkFrom(literal, TopicPattern.of("/C/T1"), count, payloadByTopicSeq, Map.of(), true);
            checkFrom(lateFromStart, TopicPattern.of("/C/*"), count, payloadByTopicSeq, Map.of(), true);
            Map<String, Long> lateStart = new HashMap<>();
            lateNow.byTopic.forEach((t, l) -> lateStart.put(t, l.get(0).seq()));
            Await.until(() -> lateNow.byTopic.entrySet().stream().allMatch(
                    e -> e.getValue().get(e.getValue().size() - 1).seq() == count.get(e.getKey())), "late 'now' subscriber");
            checkFrom(lateNow, TopicPattern.of("/C/**"), count, payloadByTopicSeq, lateStart, false);
            Await.until(() -> lastN.count.get() > 0 && lastN.byTopic.get("/C/X/T3").get(lastN.byTopic.get("/C/X/T3").size() - 1).seq()
                    == count.get("/C/X/T3"), "last-N subscriber");
            assertTrue(lastN.byTopic.get("/C/X/T3").get(0).seq() >= 1);
            checkFrom(lastN, TopicPattern.of("/C/X/*"), count, payloadByTopicSeq,
                    Map.of("/C/X/T3", lastN.byTopic.get("/C/X/T3").get(0).seq()), false);
            assertTrue(lateNow.count.get() > 0, "the 'now' subscriber saw the postings after it joined");
            for (Subscription sub : List.of(s1, s2, s3, s4, s5)) {
                sub.close();
            }
            for (BusClient c : clients) {
                c.close();
            }
        }
    }

    /**
     * Checks a subscriber got, for every matching topic, exactly seqs from its start to the end,
     * in order, each with the payload that was acked for that seq.
     */
    private static void checkFrom(Recorder r, TopicPattern pattern, Map<String, Long> count,
                                  Map<String, String> payloadByTopicSeq, Map<String, Long> startByTopic,
                                  boolean everyTopic) {
        for (Map.Entry<String, Long> e : count.entrySet()) {
            String topic = e.getKey();
            List<BusMessage> got = r.byTopic.getOrDefault(topic, List.of());
            if (!pattern.matches(topic)) {
                assertTrue(got.isEmpty(), topic + " does not match " + pattern);
                continue;
            }
            if (!everyTopic && got.isEmpty()) {
                continue;
            }
            long first = startByTopic.getOrDefault(topic, 1L);
            assertEquals(e.getValue() - first + 1, got.size(), topic + " from " + first);
            for (int i = 0; i < got.size(); i++) {
                BusMessage m = got.get(i);
                assertEquals(first + i, m.seq(), topic + " message " + i);
                assertEquals(payloadByTopicSeq.get(topic + "#" + m.seq()), m.payloadAsText(), topic + "#" + m.seq());
            }
        }
    }

    private static BusClient connect(ClientOptions.Builder opts, String name, List<BusClient> clients) {
        BusClient c = BusClient.connect(opts.name(name).publishTimeout(Duration.ofSeconds(60)).build());
        clients.add(c);
        return c;
    }

    @Test
    @SuppressWarnings("try") // resources held open for the test, closed at its end
    void replayReturnsExactlyWhatRetentionAndCompactionKeep() throws Exception {
        try (EmbeddedServer s = new EmbeddedServer(b -> b
                .retain(new ServerConfig.RetentionRule(TopicPattern.of("/R/COUNT/*"), 100, null, 0, false))
                .retain(new ServerConfig.RetentionRule(TopicPattern.of("/R/KEYED/*"), 0, null, 0, true)));
             BusClient c = BusClient.connect(s.address())) {
            List<CompletableFuture<PublishAck>> acks = new ArrayList<>();
            for (int i = 1; i <= 500; i++) {
                acks.add(c.publish("/R/COUNT/A", ("c" + i).getBytes()));
                acks.add(c.publish(Posting.to("/R/KEYED/Q").key("K" + (i % 10)).payload("q" + i)));
            }
            acks.forEach(CompletableFuture::join);
            Recorder count = new Recorder();
            Recorder keyed = new Recorder();
            // retention may be applied by the store's housekeeping: wait until replay shows it
            Await.until(() -> c.topics("/R/COUNT/A").get(0).retainedCount() == 100
                    && c.topics("/R/KEYED/Q").get(0).retainedCount() == 10, "retention to apply");
            try (Subscription a = c.subscribe("/R/COUNT/A", StartPosition.fromStart(), count::onMessage);
                 Subscription b = c.subscribe("/R/KEYED/Q", StartPosition.fromStart(), keyed::onMessage)) {
                Await.until(() -> count.count.get() >= 100 && keyed.count.get() >= 10, "replays");
                List<BusMessage> kept = count.byTopic.get("/R/COUNT/A");
                assertEquals(100, kept.size());
                for (int i = 0; i < 100; i++) {
                    assertEquals(401 + i, kept.get(i).seq());
                    assertEquals("c" + (401 + i), kept.get(i).payloadAsText());
                }
                List<BusMessage> latest = keyed.byTopic.get("/R/KEYED/Q");
                assertEquals(10, latest.size());
                for (int i = 0; i < 10; i++) {
                    // the last ten postings (491..500) carry the ten keys; seqs in order
                    assertEquals(491 + i, latest.get(i).seq());
                    assertEquals("q" + (491 + i), latest.get(i).payloadAsText());
                    assertEquals("K" + ((491 + i) % 10), latest.get(i).keyAsText());
                }
            }
        }
    }
}
