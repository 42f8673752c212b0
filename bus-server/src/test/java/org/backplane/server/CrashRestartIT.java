package org.backplane.server;

import org.backplane.client.BusClient;
import org.backplane.client.BusMessage;
import org.backplane.client.ClientOptions;
import org.backplane.client.PublishAck;
import org.backplane.client.StartPosition;
import org.backplane.client.Subscription;
import org.backplane.client.TopicInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A server process killed with {@code kill -9} mid-stream and restarted on the same data
 * directory keeps every acked posting (B4 for a single node: the page cache survives the
 * process), and a client that re-sends its unacked postings after the restart gets each stored
 * exactly once (B3). SIGTERM shuts a server process down cleanly with nothing lost.
 */
@Timeout(240)
class CrashRestartIT {

    /** A child JVM running {@link ServerProcessMain}. */
    static final class ServerProcess implements AutoCloseable {
        final Process process;
        final String address;
        final BufferedReader out;

        ServerProcess(Path dataDir, int port) throws IOException, InterruptedException {
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            String flags = System.getProperty("backplane.jvm.flags", "");
            if (!flags.isBlank()) {
                cmd.addAll(Arrays.asList(flags.trim().split("\\s+")));
            }
            cmd.addAll(List.of("-Xmx256m", "-cp", System.getProperty("java.class.path"),
                    ServerProcessMain.class.getName(), dataDir.toString(), String.valueOf(port)));
            process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String line;
            String found = null;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("LISTENING ")) {
                    found = line.substring("LISTENING ".length()).trim();
                    break;
                }
            }
            if (found == null) {
                throw new IOException("server process exited before listening (exit " + process.waitFor() + ")");
            }
            address = found;
            Thread drain = new Thread(() -> {
                try {
                    String l;
                    while ((l = out.readLine()) != null) {
                        if (l.contains("ERROR") || l.contains("STOPPED") || l.contains("history store opened")) {
                            System.out.println("[server] " + l);
                        }
                    }
                } catch (IOException ignored) {
                    // process gone
                }
            }, "server-output");
            drain.setDaemon(true);
            drain.start();
        }

        void kill9() throws InterruptedException {
            process.destroyForcibly(); // SIGKILL on Linux
            process.waitFor(30, TimeUnit.SECONDS);
        }

        @Override
        public void close() {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    @SuppressWarnings("try") // resources held open for the test, closed at its end
    void killedServerKeepsEveryAckedPostingAndRetriesAreStoredOnce() throws Exception {
        Path dir = Files.createTempDirectory("bus-crash-");
        int port = freePort();
        Map<String, String> ackedPayloadBySeq = new ConcurrentHashMap<>();
        AtomicLong ackedBeforeKill = new AtomicLong();
        int total = 30_000;
        try {
            ServerProcess first = new ServerProcess(dir, port);
            List<CompletableFuture<PublishAck>> futures = new ArrayList<>();
            try (BusClient c = BusClient.connect(ClientOptions.builder().servers(first.address).name("crash-pub")
                    .publishTimeout(Duration.ofSeconds(120)).reconnectWait(Duration.ofMillis(50), Duration.ofMillis(200))
                    .maxInFlight(1024).build())) {
                for (int i = 0; i < total; i++) {
                    String payload = "k" + i;
                    String topic = "/CRASH/" + (i % 3);
                    CompletableFuture<PublishAck> f = c.publish(topic, payload.getBytes());
                    f.thenAccept(a -> {
                        ackedPayloadBySeq.put(a.topic() + "#" + a.seq(), payload);
                        ackedBeforeKill.incrementAndGet();
                    });
                    futures.add(f);
                    if (i == total / 3) {
                        Await.until(() -> ackedBeforeKill.get() > 5000, "acks before the kill");
                        first.kill9();
                        long acked = ackedBeforeKill.get();
                        System.out.println("killed the server with " + acked + " postings acked, " + (i + 1) + " published");
                        new Thread(() -> {
                            // restart on the same port; the client retries meanwhile
                            try {
                                restarted[0] = new ServerProcess(dir, port);
                            } catch (IOException | InterruptedException e) {
                                throw new RuntimeException(e);
                            }
                        }, "restarter").start();
                    }
                }
                for (CompletableFuture<PublishAck> f : futures) {
                    f.join();
                }
                assertEquals(total, ackedPayloadBySeq.size(), "every posting acked exactly once, at a distinct seq");
                long stored = 0;
                for (TopicInfo t : c.topics("/CRASH/*")) {
                    stored += t.retainedCount();
                    assertEquals(t.retainedCount(), t.lastSeq(), t.name() + " has no holes");
                }
                assertEquals(total, stored, "retried postings stored exactly once");
                Map<String, String> replayed = new ConcurrentHashMap<>();
                AtomicLong count = new AtomicLong();
                try (Subscription s = c.subscribe("/CRASH/*", StartPosition.fromStart(), (BusMessage m) -> {
                    replayed.put(m.topic() + "#" + m.seq(), m.payloadAsText());
                    count.incrementAndGet();
                })) {
                    Await.until(() -> count.get() >= total, 60_000, "replay after restart");
                }
                assertEquals(ackedPayloadBySeq, replayed, "every acked posting is there with its seq and payload");
            } finally {
                if (restarted[0] != null) {
                    restarted[0].close();
                }
                first.close();
            }
        } finally {
            EmbeddedServer.deleteTree(dir);
        }
    }

    private final ServerProcess[] restarted = new ServerProcess[1];

    @Test
    @SuppressWarnings("try") // resources held open for the test, closed at its end
    void sigtermStopsTheServerCleanlyWithNothingLost() throws Exception {
        Path dir = Files.createTempDirectory("bus-term-");
        int port = freePort();
        try {
            ServerProcess p = new ServerProcess(dir, port);
            Map<Long, String> acked = new HashMap<>();
            try (BusClient c = BusClient.connect(ClientOptions.builder().servers(p.address).maxReconnects(0).build())) {
                List<CompletableFuture<PublishAck>> fs = new ArrayList<>();
                for (int i = 0; i < 2000; i++) {
                    fs.add(c.publish("/TERM", ("t" + i).getBytes()));
                }
                for (int i = 0; i < fs.size(); i++) {
                    acked.put(fs.get(i).join().seq(), "t" + i);
                }
                p.process.destroy(); // SIGTERM
                assertTrue(p.process.waitFor(30, TimeUnit.SECONDS), "server process exits on SIGTERM");
                assertEquals(143, p.process.exitValue(), "exit status of a JVM ended by SIGTERM");
            }
            try (ServerProcess again = new ServerProcess(dir, port);
                 BusClient c = BusClient.connect(again.address)) {
                Map<Long, String> replayed = new ConcurrentHashMap<>();
                try (Subscription s = c.subscribe("/TERM", StartPosition.fromStart(),
                        m -> replayed.put(m.seq(), m.payloadAsText()))) {
                    Await.until(() -> replayed.size() >= 2000, "replay after a clean restart");
                }
                assertEquals(acked, replayed);
            }
        } finally {
            EmbeddedServer.deleteTree(dir);
        }
    }
}
