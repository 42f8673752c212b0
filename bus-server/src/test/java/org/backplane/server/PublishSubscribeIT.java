package org.backplane.server;

import org.backplane.client.BusClient;
import org.backplane.client.BusMessage;
import org.backplane.client.Posting;
import org.backplane.client.PublishAck;
import org.backplane.client.ServerStatus;
import org.backplane.client.StartPosition;
import org.backplane.client.Subscription;
import org.backplane.client.TopicInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class PublishSubscribeIT {

    @Test
    @SuppressWarnings("try") // resources held open for the test, closed at its end
    void idleServerAndClientThreadsDoNotSpin() throws Exception {
        try (EmbeddedServer s = new EmbeddedServer(); BusClient c = BusClient.connect(s.address())) {
            List<BusMessage> got = new CopyOnWriteArrayList<>();
            try (Subscription sub = c.subscribe("/IDLE/**", StartPosition.fromStart(), got::add)) {
                for (int i = 0; i < 1000; i++) {
                    c.publish("/IDLE/A", new byte[100]);
                }
                Await.until(() -> got.size() == 1000, "traffic before going idle");
                java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
                long before = busThreadsCpuNanos(threads);
                long wallStart = System.nanoTime();
                Thread.sleep(2000); // the idle period being measured, not a wait for an outcome
                long cpu = busThreadsCpuNanos(threads) - before;
                double share = cpu / (double) (System.nanoTime() - wallStart);
                System.out.printf("idle: bus threads used %.3f%% of one core%n", share * 100);
                assertTrue(share < 0.05, "idle bus threads used " + share * 100 + "% of a core");
            }
        }
    }

    /** CPU time of the server's and client's own threads (I/O loops, delivery, dispatchers, store). */
    private static long busThreadsCpuNanos(java.lang.management.ThreadMXBean threads) {
        long sum = 0;
        for (java.lang.management.ThreadInfo t : threads.dumpAllThreads(false, false)) {
            String name = t.getThreadName();
            if (name.startsWith("bus-") || name.startsWith("history")) {
                sum += Math.max(0, threads.getThreadCpuTime(t.getThreadId()));
            }
        }
        return sum;
    }

    @Test
    @SuppressWarnings("try") // resources held open for the test, closed at its end
    void withDurabilityCommitDeliveriesRunOnALoopOfTheirOwn() throws Exception {
        // every batch waits for the disk there, so the delivery loop serves no connection
        try (EmbeddedServer s = new EmbeddedServer(b -> b.durability(ServerConfig.Durability.COMMIT));
             BusClient c = BusClient.connect(s.address())) {
            List<BusMessage> got = new CopyOnWriteArrayList<>();
            try (Subscription sub = c.subscribe("/DUR/*", StartPosition.fromStart(), got::add)) {
                List<CompletableFuture<PublishAck>> acks = new ArrayList<>();
                for (int i = 1; i <= 500; i++) {
                    acks.add(c.publish("/DUR/" + (i % 2), ("m" + i).getBytes(StandardCharsets.UTF_8)));
                }
                for (CompletableFuture<PublishAck> a : acks) {
                    a.get();
                }
                Await.until(() -> got.size() == 500, "500 messages");
            }
            assertTrue(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().startsWith("bus-delivery")),
                    "a bus-delivery thread runs");
        }
        Await.until(() -> Thread.getAllStackTraces().keySet().stream().noneMatch(
                t -> t.getName().startsWith("bus-delivery") && t.isAlive()), "the delivery loop to stop with the server");
    }

    @Test
    void handlersOnTheIoThreadGetEveryMessageInOrderAndReturnCredits() throws Exception {
        try (EmbeddedServer s = new EmbeddedServer();
             BusClient c = BusClient.connect(org.backplane.client.ClientOptions.builder().servers(s.address())
                     .subscriptionWindow(16).build())) {
            List<BusMessage> got = new CopyOnWriteArrayList<>();
            java.util.Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
            Subscription sub = c.subscribe("/IO/*", StartPosition.fromStart(), org.backplane.client.Dispatch.IO_THREAD, m -> {
                threads.add(Thread.currentThread().getName());
                got.add(m);
                if (m.topic().equals("/IO/A") && m.seq() % 100 == 0) {
                    c.publish("/IO/ECHO", m.payload()); // publishing from the I/O thread does not block
                }
            });
            for (int i = 1; i <= 2000; i++) {
                c.publish("/IO/A", ("a" + i).getBytes(StandardCharsets.UTF_8));
            }
            Await.until(() -> got.size() == 2020, "2000 messages and 20 echoes through a window of 16");
            List<BusMessage> a = got.stream().filter(m -> m.topic().equals("/IO/A")).toList();
            for (int i = 1; i <= 2000; i++) {
                assertEquals(i, a.get(i - 1).seq());
                assertEquals("a" + i, a.get(i - 1).payloadAsText());
            }
            assertTrue(threads.stream().allMatch(t -> t.startsWith("bus-client-io")), threads.toString());
            assertEquals(2020, sub.delivered());
            Await.until(() -> sub.lastSeq("/IO/A") == 2000 && sub.lastSeq("/IO/ECHO") == 20, "lastSeq published");
            sub.close();
            c.publishSync("/IO/A", new byte[1]);
            assertEquals(2020, got.size(), "no handler call after close");
        }
    }

    @Test
    void connectionsBeyondTheLimitAreRefusedWithTheReason() throws Exception {
        try (EmbeddedServer s = new EmbeddedServer(b -> b.maxConnections(1)); BusClient first = BusClient.connect(s.address())) {
            org.backplane.client.BusException e = org.junit.jupiter.api.Assertions.assertThrows(
                    org.backplane.client.BusException.class, () -> BusClient.connect(org.backplane.client.ClientOptions
                            .builder().servers(s.address()).connectTimeout(java.time.Duration.ofSeconds(1)).build()));
            assertTrue(e.getMessage().contains("TOO_MANY_CONNECTIONS"), e.getMessage());
            assertEquals(1, first.publishSync("/LIMIT", new byte[1]).seq(), "the first client is unaffected");
        }
    }

    @Test
    void aSecondServerOnTheSamePortFailsWithAClearMessage() throws Exception {
        try (EmbeddedServer s = new EmbeddedServer()) {
            java.nio.file.Path other = java.nio.file.Files.createTempDirectory("bus-it-");
            IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> BusServer.start(ServerConfig.builder().listen(s.address()).dataDir(other).build()));
            assertTrue(e.getMessage().startsWith("cannot listen on " + s.address() + ": "), e.getMessage());
            EmbeddedServer.deleteTree(other);
        }
    }

    @Test
    void flushWaitsForEveryEarlierPostingAndCloseFailsNothingAcked() throws Exception {
        try (EmbeddedServer s = new EmbeddedServer()) {
            BusClient c = BusClient.connect(s.address());
            List<CompletableFuture<PublishAck>> acks = new ArrayList<>();
            for (int i = 0; i < 20_000; i++) {
                acks.add(c.publish("/F/" + (i % 5), new byte[10]));
            }
            assertTrue(c.flush(java.time.Duration.ofSeconds(30)));
            assertTrue(acks.stream().allMatch(f -> f.isDone() && !f.isCompletedExceptionally()));
            CompletableFuture<PublishAck> last = c.publish("/F/0", new byte[1]);
            c.close(); // waits for the unacked posting
            assertEquals(4001, last.get().seq());
            assertTrue(c.publish("/F/0", new byte[1]).isCompletedExceptionally(), "publish after close fails");
        }
    }

    @Test
    @SuppressWarnings("try") // resources held open for the test, closed at its end
    void publishedPostingsAreAckedInOrderAndReplayedExactly() throws Exception {
        try (EmbeddedServer s = new EmbeddedServer(); BusClient c = BusClient.connect(s.address())) {
            List<CompletableFuture<PublishAck>> acks = new ArrayList<>();
            for (int i = 1; i <= 1000; i++) {
                acks.add(c.publish("/T/A", ("m" + i).getBytes(StandardCharsets.UTF_8)));
            }
            for (int i = 1; i <= 1000; i++) {
                PublishAck a = acks.get(i - 1).get();
                assertEquals("/T/A", a.topic());
                assertEquals(i, a.seq());
            }
            List<BusMessage> got = new CopyOnWriteArrayList<>();
            try (Subscription sub = c.subscribe("/T/A", StartPosition.fromStart(), got::add)) {
                Await.until(() -> got.size() >= 1000, "1000 messages");
                for (int i = 1; i <= 1000; i++) {
                    assertEquals(i, got.get(i - 1).seq());
                    assertEquals("m" + i, got.get(i - 1).payloadAsText());
                }
                assertEquals(1000, sub.lastSeq("/T/A"));
            }
            PublishAck keyed = c.publishSync(Posting.to("/T/B").key("IBM").header("src", "feed").payload("x"));
            assertEquals(1, keyed.seq());
            List<BusMessage> b = new CopyOnWriteArrayList<>();
            try (Subscription sub = c.subscribe("/T/*", StartPosition.lastN(1), b::add)) {
                Await.until(() -> b.size() >= 2, "last of each topic");
            }
            BusMessage m = b.stream().filter(x -> x.topic().equals("/T/B")).findFirst().orElseThrow();
            assertEquals("IBM", m.keyAsText());
            assertEquals("feed", m.headers().get("src"));
            assertTrue(b.stream().anyMatch(x -> x.topic().equals("/T/A") && x.seq() == 1000));

            List<TopicInfo> topics = c.topics("/T/**");
            assertEquals(List.of("/T/A", "/T/B"), topics.stream().map(TopicInfo::name).toList());
            assertEquals(1000, topics.get(0).retainedCount());
            assertEquals(1000, topics.get(0).lastSeq());
            ServerStatus st = c.status();
            assertEquals(1001, st.published());
            assertEquals(2, st.topics());
            assertEquals(1, st.connections());
        }
    }
}
