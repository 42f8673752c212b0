package org.backplane.server;

import org.backplane.client.BusClient;
import org.backplane.client.BusMessage;
import org.backplane.client.ClientOptions;
import org.backplane.client.ConnectionListener;
import org.backplane.client.Dispatch;
import org.backplane.client.PublishAck;
import org.backplane.client.StartPosition;
import org.backplane.client.Subscription;
import org.backplane.client.TopicInfo;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client whose connection is cut mid-stream (by a proxy between it and the server), over and
 * over, while publishing and subscribing: every posting is stored exactly once (re-sent under its
 * producer seq, B3) and every subscriber sees every seq once, in order (resume at last seq + 1,
 * B2). Seeded; rerun with {@code -Dseed=N}.
 */
@Timeout(180)
class ResumeIT {

    @Test
    void clientsCutMidStreamResumeWithoutGapOrDuplicate() throws Exception {
        long seed = Long.getLong("seed", System.nanoTime());
        System.out.println("ResumeIT seed=" + seed);
        Random random = new Random(seed);
        int total = 20_000;
        String[] topics = {"/RES/A", "/RES/B", "/RES/C"};
        try (EmbeddedServer s = new EmbeddedServer(); TcpProxy proxy = new TcpProxy(s.server.address())) {
            AtomicInteger reconnects = new AtomicInteger();
            ClientOptions.Builder opts = ClientOptions.builder().servers(proxy.address())
                    .reconnectWait(Duration.ofMillis(10), Duration.ofMillis(100))
                    .publishTimeout(Duration.ofSeconds(60)).maxInFlight(512).subscriptionWindow(128)
                    .listener(new ConnectionListener() {
                        @Override
                        public void reconnected(String server, String serverId) {
                            reconnects.incrementAndGet();
                        }
                    });
            try (BusClient subscriber = BusClient.connect(opts.name("sub").build());
                 BusClient publisher = BusClient.connect(opts.name("pub").build())) {
                Map<String, List<BusMessage>> got = new ConcurrentHashMap<>();
                AtomicLong received = new AtomicLong();
                Subscription sub = subscriber.subscribe("/RES/*", StartPosition.fromStart(), m -> {
                    got.computeIfAbsent(m.topic(), t -> new CopyOnWriteArrayList<>()).add(m);
                    received.incrementAndGet();
                });
                // a pattern subscription from "now" (opened before any posting): after each cut it
                // resumes seen topics at last seq + 1 and unseen ones at seq 1 (created after it
                // opened); ExactResumeIT covers topics that existed when it opened
                Map<String, List<BusMessage>> gotNow = new ConcurrentHashMap<>();
                AtomicLong receivedNow = new AtomicLong();
                Subscription subNow = subscriber.subscribe("/RES/**", StartPosition.now(), m -> {
                    gotNow.computeIfAbsent(m.topic(), t -> new CopyOnWriteArrayList<>()).add(m);
                    receivedNow.incrementAndGet();
                });
                // the same from the start, with its handler on the client's I/O thread
                Map<String, List<BusMessage>> gotIo = new ConcurrentHashMap<>();
                AtomicLong receivedIo = new AtomicLong();
                Subscription subIo = subscriber.subscribe("/RES/*", StartPosition.fromStart(), Dispatch.IO_THREAD, m -> {
                    gotIo.computeIfAbsent(m.topic(), t -> new CopyOnWriteArrayList<>()).add(m);
                    receivedIo.incrementAndGet();
                });
                Map<String, String> sent = new ConcurrentHashMap<>(); // payload -> topic
                List<CompletableFuture<PublishAck>> futures = new ArrayList<>();
                Thread cutter = new Thread(() -> {
                    try {
                        while (received.get() < total && proxy.drops() < 30) { // bounded: keeps the test short
                            Thread.sleep(50 + random.nextInt(150)); // fault injection schedule, not a wait for an outcome
                            proxy.dropAll();
                        }
                    } catch (InterruptedException e) {
                        // done
                    }
                }, "cutter");
                cutter.start();
                for (int i = 0; i < total; i++) {
                    String topic = topics[i % topics.length];
                    String payload = "r" + i;
                    sent.put(payload, topic);
                    futures.add(publisher.publish(topic, payload.getBytes()));
                }
                Map<String, Long> ackedPerTopic = new HashMap<>();
                for (CompletableFuture<PublishAck> f : futures) {
                    PublishAck a = f.join();
                    ackedPerTopic.merge(a.topic(), 1L, Long::sum);
                }
                Await.until(() -> received.get() >= total, 120_000, "subscriber to receive everything");
                cutter.interrupt();
                cutter.join();
                System.out.println("ResumeIT: " + proxy.drops() + " cuts, " + reconnects.get() + " reconnects");
                assertTrue(proxy.drops() >= 3, "the proxy cut the connections several times");
                assertTrue(reconnects.get() >= 3, "the clients reconnected several times");

                // B3: each posting stored exactly once; B1: numbered 1..n per topic
                long stored = 0;
                for (TopicInfo t : publisher.topics("/RES/*")) {
                    stored += t.retainedCount();
                    assertEquals(t.retainedCount(), t.lastSeq(), t.name() + " has no holes");
                }
                assertEquals(total, stored, "every posting stored exactly once");
                // B2: the subscriber saw every seq once, in order, with the right payloads
                Map<String, String> seen = new HashMap<>();
                for (Map.Entry<String, List<BusMessage>> e : got.entrySet()) {
                    List<BusMessage> list = e.getValue();
                    for (int i = 0; i < list.size(); i++) {
                        assertEquals(i + 1, list.get(i).seq(), e.getKey() + " message " + i);
                        String previous = seen.put(list.get(i).payloadAsText(), e.getKey());
                        assertEquals(null, previous, "payload delivered twice: " + list.get(i).payloadAsText());
                    }
                }
                assertEquals(sent, seen);
                assertEquals(total, received.get());
                assertEquals(total, sub.delivered());
                assertEverySeqOnce("'now' subscriber", gotNow, receivedNow, total);
                subNow.close();
                assertEverySeqOnce("I/O-thread subscriber", gotIo, receivedIo, total);
                subIo.close();
            }
        }
    }

    /** Waits for {@code total} messages, then checks each topic's seqs are 1, 2, 3, ... */
    private static void assertEverySeqOnce(String who, Map<String, List<BusMessage>> got, AtomicLong received, long total) {
        Await.until(() -> received.get() >= total, 60_000, who + " to receive everything");
        for (Map.Entry<String, List<BusMessage>> e : got.entrySet()) {
            List<BusMessage> list = e.getValue();
            for (int i = 0; i < list.size(); i++) {
                assertEquals(i + 1, list.get(i).seq(), who + ", " + e.getKey() + " message " + i);
            }
        }
        assertEquals(total, received.get());
    }
}
