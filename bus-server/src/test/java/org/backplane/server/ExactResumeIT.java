package org.backplane.server;

import org.backplane.client.BusClient;
import org.backplane.client.BusMessage;
import org.backplane.client.ClientOptions;
import org.backplane.client.ConnectionListener;
import org.backplane.client.StartPosition;
import org.backplane.client.Subscription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exact resume (B2) of subscriptions started at "now" and at "last N": while the subscriber is
 * cut off, postings go to a topic it has received, to topics that matched when it subscribed but
 * that it has not received yet, and to a topic created during the cut. After it reconnects, on the
 * same server or on another one (a copy of the first's log, so identical numbering, B1, with a
 * clock an hour behind), each subscription has received exactly what it would have without the
 * cut: every seq from its start onward, once, in order.
 *
 * <p>The servers' clocks are what a resume by time would get wrong: one that stands still (a
 * posting stored in the same millisecond before the open would come back as an extra) and one
 * an hour behind (postings stored there during the cut would be skipped as older than the open).
 */
@Timeout(120)
class ExactResumeIT {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    @Test
    void nowAndLastNResumeExactlyOnTheSameServer() throws Exception {
        run(false);
    }

    @Test
    void nowAndLastNResumeExactlyOnAnotherServerWithAnotherClock() throws Exception {
        run(true);
    }

    private void run(boolean anotherServer) throws Exception {
        Path dir1 = Files.createTempDirectory("bus-exact-1-");
        Path dir2 = Files.createTempDirectory("bus-exact-2-");
        Clock still = Clock.fixed(T0, ZoneOffset.UTC);
        BusServer first = BusServer.start(config(dir1), still);
        BusServer second = null;
        try (TcpProxy proxy = new TcpProxy(first.address())) {
            AtomicInteger reconnects = new AtomicInteger();
            ClientOptions subOptions = ClientOptions.builder().servers(proxy.address()).name("sub")
                    .reconnectWait(Duration.ofMillis(10), Duration.ofMillis(50)).subscriptionWindow(16)
                    .listener(new ConnectionListener() {
                        @Override
                        public void reconnected(String server, String serverId) {
                            reconnects.incrementAndGet();
                        }
                    }).build();
            Received now = new Received();
            Received last = new Received();
            CountDownLatch lastStalled = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            try (BusClient publisher = BusClient.connect(first.addressString());
                 BusClient subscriber = BusClient.connect(subOptions)) {
                // A1 B1 A2 B2 ... A12 B12, then C1 ... C12
                for (int i = 1; i <= 12; i++) {
                    publisher.publishSync("/E/A", ("A" + i).getBytes());
                    publisher.publishSync("/E/B", ("B" + i).getBytes());
                }
                for (int i = 1; i <= 12; i++) {
                    publisher.publishSync("/E/C", ("C" + i).getBytes());
                }
                Subscription subNow = subscriber.subscribe("/E/**", StartPosition.now(), now::add);
                // the last 9 replays A4 B4 ... A12 B12 C4 ... C12 in log order; the window is 16 and
                // the handler stalls on the first message, so no C is received before the cut
                Subscription subLast = subscriber.subscribe("/E/**", StartPosition.lastN(9), m -> {
                    lastStalled.countDown();
                    await(release);
                    last.add(m);
                });
                publisher.publishSync("/E/A", "A13".getBytes());
                Await.until(() -> now.count() == 1, "the 'now' subscription to receive A13");
                assertTrue(lastStalled.await(30, TimeUnit.SECONDS), "the 'last N' handler got its first message");

                proxy.refuse(true);
                proxy.dropAll();
                BusClient cutPublisher = publisher;
                if (anotherServer) {
                    first.close();
                    copyTree(dir1, dir2);
                    second = BusServer.start(config(dir2), Clock.offset(Clock.systemUTC(), Duration.ofHours(-1)));
                    cutPublisher = BusClient.connect(second.addressString());
                    proxy.retarget(second.address());
                }
                // while the subscriber is cut off: a seen topic (A), unseen ones (B, C), a new one (N)
                for (String p : List.of("A14", "B13", "C13", "N1", "C14", "N2")) {
                    cutPublisher.publishSync("/E/" + p.charAt(0), p.getBytes());
                }
                proxy.refuse(false);
                release.countDown();
                Await.until(() -> reconnects.get() >= 1, "the subscriber to reconnect");
                // a marker posted after everything: the pattern cursors deliver in log order, so once
                // both have it, anything else they would deliver (an extra) has arrived too
                cutPublisher.publishSync("/E/Z", "Z1".getBytes());
                Await.until(() -> now.has("/E/Z") && last.has("/E/Z"), "both subscriptions to reach the marker");
                if (cutPublisher != publisher) {
                    cutPublisher.close();
                }

                assertEquals(Map.of("/E/A", List.of("A13", "A14"), "/E/B", List.of("B13"), "/E/C", List.of("C13", "C14"),
                        "/E/N", List.of("N1", "N2"), "/E/Z", List.of("Z1")), now.byTopic(), "'now' subscription");
                assertEquals(Map.of("/E/A", range("A", 4, 14), "/E/B", range("B", 4, 13), "/E/C", range("C", 4, 14),
                        "/E/N", List.of("N1", "N2"), "/E/Z", List.of("Z1")), last.byTopic(), "'last 9' subscription");
                assertTrue(now.inSeqOrder() && last.inSeqOrder(), "seqs in order and matching the payloads");
                subNow.close();
                subLast.close();
            }
        } finally {
            release(first);
            release(second);
            EmbeddedServer.deleteTree(dir1);
            EmbeddedServer.deleteTree(dir2);
        }
    }

    private static List<String> range(String letter, int from, int to) {
        List<String> out = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            out.add(letter + i);
        }
        return out;
    }

    private static ServerConfig config(Path dir) {
        return ServerConfig.builder().listen("127.0.0.1:0").dataDir(dir).build();
    }

    private static void release(BusServer server) {
        if (server != null) {
            server.close();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A stopped server's data directory, copied as a replica would hold it. */
    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    /** What one subscription's handler got, per topic (handler thread writes, test thread reads). */
    private static final class Received {
        private final Map<String, List<BusMessage>> messages = new ConcurrentHashMap<>();
        private final AtomicInteger count = new AtomicInteger();

        void add(BusMessage m) {
            messages.computeIfAbsent(m.topic(), t -> java.util.Collections.synchronizedList(new ArrayList<>())).add(m);
            count.incrementAndGet();
        }

        int count() {
            return count.get();
        }

        boolean has(String topic) {
            return messages.containsKey(topic);
        }

        Map<String, List<String>> byTopic() {
            Map<String, List<String>> out = new TreeMap<>();
            messages.forEach((t, list) -> out.put(t, list.stream().map(BusMessage::payloadAsText).toList()));
            return out;
        }

        /** Each payload is its topic's letter and seq ("C14" is seq 14 of /E/C). */
        boolean inSeqOrder() {
            for (List<BusMessage> list : messages.values()) {
                for (BusMessage m : list) {
                    if (Long.parseLong(m.payloadAsText().substring(1)) != m.seq()) {
                        return false;
                    }
                }
            }
            return true;
        }
    }
}
