package org.backplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CLI end to end: {@code bus server} as a child process, {@code bus post} and
 * {@code bus tail --json} against it as child processes and in-process invocations with captured
 * streams, every output line checked; SIGTERM shuts a server down cleanly and a restart on the
 * same data directory still holds every acked posting; errors exit 1 with one line, usage errors 2.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class BusCliIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path work;

    private static BusProcess server;
    private static String address;
    private static Map<String, String> env;

    @BeforeAll
    static void startServer() throws IOException {
        int port = BusProcess.freePort();
        address = "127.0.0.1:" + port;
        env = Map.of("BUS_SERVERS", address);
        Files.createDirectories(work.resolve("shared"));
        server = BusProcess.startServer(work.resolve("shared"), port, "--data-dir", "data");
    }

    @AfterAll
    static void stopServer() throws InterruptedException {
        if (server != null) {
            server.terminate();
            server.waitFor(30);
            server.close();
        }
    }

    @Test
    void postAndTailJsonAsProcessesCheckEveryLine() throws Exception {
        Cli.Result first = BusProcess.run(work, "", 60, "post", "--servers", address, "/CLI/PT/A", "hello", "world");
        assertEquals(0, first.exitCode(), first::toString);
        assertEquals(List.of("/CLI/PT/A seq=1"), first.outLines(), first::toString);

        String lines = IntStream.rangeClosed(1, 50).mapToObj(i -> "line " + i + " ü").collect(Collectors.joining("\n")) + "\n";
        Cli.Result stdin = Cli.run(lines, env, "post", "/CLI/PT/A", "--key", "k1", "--header", "src=it");
        assertEquals(0, stdin.exitCode(), stdin::toString);
        assertEquals(IntStream.rangeClosed(2, 51).mapToObj(s -> "/CLI/PT/A seq=" + s).toList(), stdin.outLines());

        Cli.Result json = Cli.run(env, "post", "--json", "/CLI/PT/B", "{\"x\": 1}");
        assertEquals(0, json.exitCode(), json::toString);
        JsonNode ack = JSON.readTree(json.out());
        assertEquals("/CLI/PT/B", ack.get("topic").asText());
        assertEquals(1, ack.get("seq").asLong());
        Instant.parse(ack.get("timestamp").asText());

        Cli.Result tail = BusProcess.run(work, "", 60, "tail", "--servers", address, "/CLI/PT/*", "--from-start",
                "--count", "52", "--json");
        assertEquals(0, tail.exitCode(), tail::toString);
        List<String> out = tail.outLines();
        assertEquals(52, out.size(), tail::toString);
        int a = 0;
        Instant previous = Instant.EPOCH;
        for (String line : out) {
            JsonNode m = JSON.readTree(line);
            Instant ts = Instant.parse(m.get("timestamp").asText());
            assertFalse(ts.isBefore(previous), line);
            previous = ts;
            if (m.get("topic").asText().equals("/CLI/PT/B")) {
                assertEquals(1, m.get("seq").asLong());
                assertTrue(m.get("key").isNull(), line);
                assertEquals("{\"x\": 1}", m.get("payload").asText());
                continue;
            }
            a++;
            assertEquals("/CLI/PT/A", m.get("topic").asText(), line);
            assertEquals(a, m.get("seq").asLong(), line);
            if (a == 1) {
                assertTrue(m.get("key").isNull(), line);
                assertEquals("hello world", m.get("payload").asText());
                assertEquals(0, m.get("headers").size());
            } else {
                assertEquals("k1", m.get("key").asText(), line);
                assertEquals("it", m.get("headers").get("src").asText(), line);
                assertEquals("line " + (a - 1) + " ü", m.get("payload").asText(), line);
            }
        }
        assertEquals(51, a);
    }

    @Test
    void tailFollowsLiveMessagesUntilCount() throws Exception {
        int before = subscriptions();
        CompletableFuture<Cli.Result> tail = CompletableFuture.supplyAsync(
                () -> Cli.run(env, "tail", "/CLI/LIVE/**", "--count", "5"));
        Await.until(() -> subscriptions() > before, 30_000, "tail to subscribe");
        Cli.Result post = Cli.run("one\ntwo\nthree\n", env, "post", "/CLI/LIVE/X");
        assertEquals(0, post.exitCode(), post::toString);
        Cli.Result post2 = Cli.run("four\nfive\nsix\n", env, "post", "/CLI/LIVE/Y/Z");
        assertEquals(0, post2.exitCode(), post2::toString);
        Cli.Result result = tail.get(60, TimeUnit.SECONDS);
        assertEquals(0, result.exitCode(), result::toString);
        List<String> lines = result.outLines();
        assertEquals(5, lines.size(), result::toString);
        String[] expected = {"/CLI/LIVE/X 1 ", "/CLI/LIVE/X 2 ", "/CLI/LIVE/X 3 ", "/CLI/LIVE/Y/Z 1 ", "/CLI/LIVE/Y/Z 2 "};
        String[] payloads = {"one", "two", "three", "four", "five"};
        for (int i = 0; i < 5; i++) {
            assertTrue(lines.get(i).startsWith(expected[i]), lines.get(i));
            assertTrue(lines.get(i).endsWith("Z: " + payloads[i]), lines.get(i));
        }
    }

    @Test
    void tailStartPositionsAndWildcards() {
        String lines = IntStream.rangeClosed(1, 10).mapToObj(i -> "m" + i).collect(Collectors.joining("\n"));
        assertEquals(0, Cli.run(lines, env, "post", "/CLI/POS/A").exitCode());
        assertEquals(0, Cli.run(lines, env, "post", "/CLI/POS/B/C").exitCode());

        assertEquals(List.of("m8", "m9", "m10"), payloads(Cli.run(env, "tail", "/CLI/POS/A", "--from-seq", "8", "--no-follow")));
        assertEquals(List.of("m9", "m10"), payloads(Cli.run(env, "tail", "/CLI/POS/A", "--last", "2", "--no-follow")));
        assertEquals(10, payloads(Cli.run(env, "tail", "/CLI/POS/A", "--since", "10m", "--no-follow")).size());
        assertEquals(10, payloads(Cli.run(env, "tail", "/CLI/POS/A", "--since", "2000-01-01T00:00:00Z", "--no-follow")).size());
        // '*' is one segment, '**' any depth
        assertEquals(10, payloads(Cli.run(env, "tail", "/CLI/POS/*", "--from-start", "--no-follow")).size());
        assertEquals(20, payloads(Cli.run(env, "tail", "/CLI/POS/**", "--from-start", "--no-follow")).size());
        assertEquals(List.of("m10", "m10"), payloads(Cli.run(env, "tail", "/CLI/POS/**", "--last", "1", "--no-follow")));
    }

    @Test
    void topicsAndStatus() throws Exception {
        assertEquals(0, Cli.run("x\ny\n", env, "post", "/CLI/TOP/A").exitCode());
        Cli.Result json = Cli.run(env, "topics", "/CLI/TOP/*", "--json");
        assertEquals(0, json.exitCode(), json::toString);
        assertEquals(1, json.outLines().size(), json::toString);
        JsonNode t = JSON.readTree(json.outLines().get(0));
        assertEquals("/CLI/TOP/A", t.get("topic").asText());
        assertEquals(2, t.get("retained").asLong());
        assertEquals(1, t.get("firstSeq").asLong());
        assertEquals(2, t.get("lastSeq").asLong());
        assertTrue(t.get("bytes").asLong() >= 2, json::toString);
        Instant.parse(t.get("lastTimestamp").asText());

        Cli.Result table = Cli.run(env, "topics", "/CLI/TOP/**");
        assertEquals(0, table.exitCode(), table::toString);
        assertTrue(table.outLines().get(0).matches("TOPIC\\s+RETAINED\\s+FIRST\\s+LAST\\s+BYTES\\s+LAST POSTED"), table::toString);
        assertTrue(table.outLines().get(1).matches("/CLI/TOP/A\\s+2\\s+1\\s+2\\s+\\S+\\s+\\S+Z"), table::toString);
        assertEquals(List.of("no topics match /NOTHING/**"), Cli.run(env, "topics", "/NOTHING/**").outLines());

        Cli.Result status = Cli.run(env, "status", "--json");
        assertEquals(0, status.exitCode(), status::toString);
        JsonNode s = JSON.readTree(status.out());
        assertEquals("bus-" + address.replace(':', '-'), s.get("serverId").asText());
        assertEquals(address, s.get("address").asText());
        assertTrue(s.get("uptimeMillis").asLong() > 0);
        assertTrue(s.get("connections").asInt() >= 1);
        assertTrue(s.get("topics").asInt() >= 1);
        assertTrue(s.get("published").asLong() >= 2);
        assertEquals(0, s.get("rejected").asLong());
        Cli.Result text = Cli.run(env, "status");
        assertTrue(text.out().contains("server         " + s.get("serverId").asText()), text::toString);
    }

    @Test
    void errorsAreOneLineAndExitOne() {
        int closed = BusProcess.freePort();
        Cli.Result unreachable = Cli.run("status", "--servers", "127.0.0.1:" + closed, "--connect-timeout", "1s");
        assertOneLineError(unreachable, "could not connect to 127.0.0.1:" + closed);

        // a longer wait says on stderr, after a second, that it is waiting, then fails the same way
        Cli.Result waited = Cli.run("status", "--servers", "127.0.0.1:" + closed, "--connect-timeout", "2500ms");
        assertEquals(1, waited.exitCode(), waited::toString);
        List<String> lines = waited.err().lines().toList();
        assertEquals(2, lines.size(), waited::toString);
        assertEquals("bus: waiting for a server at 127.0.0.1:" + closed + " (up to 2500ms, --connect-timeout)...",
                lines.get(0), waited::toString);
        assertTrue(lines.get(1).startsWith("bus: could not connect to 127.0.0.1:" + closed), waited::toString);

        Cli.Result badTopic = Cli.run(env, "post", "NO-SLASH", "x");
        assertOneLineError(badTopic, "must start with '/'");
        assertOneLineError(Cli.run(env, "post", "/A/*/B", "x"), "'*' only in subscription patterns");
        assertOneLineError(Cli.run(env, "tail", "/A/B*", "--from-start"), "must be a whole segment");
        assertOneLineError(Cli.run(Map.of("BUS_SERVERS", "host:notaport"), "status"), "BUS_SERVERS");

        // BUS_SERVERS is used when --servers is absent, and --servers wins over it
        assertEquals(0, Cli.run(env, "status").exitCode());
        assertEquals(0, Cli.run(Map.of("BUS_SERVERS", "127.0.0.1:" + closed), "status", "--servers", address).exitCode());
    }

    @Test
    void usageErrorsExitTwoWithTheUsage() {
        assertUsage(Cli.run(), "Missing command");
        assertUsage(Cli.run("tail"), "Missing required parameter: 'PATTERN'");
        assertUsage(Cli.run("post", "/X", "--bogus"), "Unknown option: '--bogus'");
        assertUsage(Cli.run("tail", "/X", "--from-start", "--last", "3"), "mutually exclusive");
        assertUsage(Cli.run("tail", "/X", "--count", "0"), "--count must be at least 1");
        assertUsage(Cli.run("tail", "/X", "--since", "yesterday"), "is not a time");
        assertUsage(Cli.run("tail", "/X", "--no-follow"), "--no-follow needs a start");
        assertUsage(Cli.run("status", "--servers", "h:99999"), "port '99999'");
        assertUsage(Cli.run("status", "--connect-timeout", "soon"), "is not a duration");
        assertUsage(Cli.run("bench", "--size", "3"), "message size");
        assertUsage(Cli.run("demo", "--duration", "1m"), "--duration must be 1s..20s");
        assertUsage(Cli.run("server", "--max-connections", "0"), "maxConnections");
        assertUsage(Cli.run("server", "--retention", "maxCount=3"), "has no pattern");
        assertUsage(Cli.run("server", "--log-level", "loud", "--print-config"), "log level");
    }

    @Test
    void sigtermStopsTheServerCleanlyAndARestartKeepsEveryPosting() throws Exception {
        Path dir = Files.createDirectories(work.resolve("restart"));
        int port = BusProcess.freePort();
        String addr = "127.0.0.1:" + port;
        Map<String, String> e = Map.of("BUS_SERVERS", addr);
        List<String> expected = new ArrayList<>();
        try (BusProcess first = BusProcess.startServer(dir, port)) {
            String lines = IntStream.rangeClosed(1, 300).mapToObj(i -> "posting " + i).collect(Collectors.joining("\n"));
            expected.addAll(List.of(lines.split("\n")));
            Cli.Result post = Cli.run(lines, e, "post", "/CLI/KEEP");
            assertEquals(0, post.exitCode(), post::toString);
            assertEquals("/CLI/KEEP seq=300", post.outLines().get(299));
            first.terminate();
            assertEquals(0, first.waitFor(60), () -> "exit code after SIGTERM; stderr: " + first.err());
            String log = String.join("\n", first.err());
            assertTrue(log.contains("SIGTERM received"), log);
            assertTrue(log.contains("stopped: 300 postings stored"), log);
        }
        assertTrue(Files.isDirectory(dir.resolve("bus-data")), "default data directory ./bus-data");
        try (BusProcess second = BusProcess.startServer(dir, port)) {
            Cli.Result tail = Cli.run(e, "tail", "/CLI/KEEP", "--from-start", "--count", "300", "--json");
            assertEquals(0, tail.exitCode(), tail::toString);
            List<String> got = new ArrayList<>();
            long seq = 0;
            for (String line : tail.outLines()) {
                JsonNode m = JSON.readTree(line);
                assertEquals(++seq, m.get("seq").asLong(), line);
                got.add(m.get("payload").asText());
            }
            assertEquals(expected, got);
            Cli.Result more = Cli.run(e, "post", "/CLI/KEEP", "after restart");
            assertEquals(List.of("/CLI/KEEP seq=301"), more.outLines(), more::toString);
            second.terminate();
            assertEquals(0, second.waitFor(60), () -> String.join("\n", second.err()));
        }
    }

    @Test
    void tailSaysWhenTheServerGoesAwayAndResumesWithoutGapWhenItIsBack() throws Exception {
        Path dir = Files.createDirectories(work.resolve("follow"));
        int port = BusProcess.freePort();
        String addr = "127.0.0.1:" + port;
        Map<String, String> e = Map.of("BUS_SERVERS", addr);
        BusProcess first = BusProcess.startServer(dir, port);
        try (first) {
            assertEquals(0, Cli.run("a1\na2\n", e, "post", "/CLI/FOLLOW").exitCode());
            CompletableFuture<Cli.Result> tail = CompletableFuture.supplyAsync(
                    () -> Cli.run(e, "tail", "/CLI/FOLLOW", "--from-start", "--count", "4"));
            Await.until(() -> subscriptions(e) == 1, 30_000, "tail to subscribe");
            first.terminate();
            assertEquals(0, first.waitFor(60));
            try (BusProcess second = BusProcess.startServer(dir, port)) {
                assertEquals(0, Cli.run("b3\nb4\nb5\n", e, "post", "/CLI/FOLLOW").exitCode());
                Cli.Result r = tail.get(60, TimeUnit.SECONDS);
                assertEquals(0, r.exitCode(), r::toString);
                assertEquals(List.of("a1", "a2", "b3", "b4"), payloads(r));
                assertTrue(r.err().contains("bus: connection to " + addr + " lost"), r::toString);
                assertTrue(r.err().contains("bus: reconnected to " + addr), r::toString);
                second.terminate();
                assertEquals(0, second.waitFor(60));
            }
        }
    }

    @Test
    void tailEndsWhenItsOutputIsClosedLikeInAPipeToHead() throws Exception {
        assertEquals(0, Cli.run(env, "post", "/CLI/PIPE", "first").exitCode());
        try (BusProcess tail = BusProcess.start(work, "tail", "--servers", address, "/CLI/PIPE", "--from-start")) {
            Await.until(() -> !tail.out().isEmpty(), 60_000, "tail's first line");
            tail.closeStdout();
            long n = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (tail.isAlive() && System.nanoTime() < deadline) {
                assertEquals(0, Cli.run(env, "post", "/CLI/PIPE", "more " + ++n).exitCode());
            }
            assertFalse(tail.isAlive(), "tail still running after its stdout was closed and " + n + " more postings");
        }
    }

    private static void assertOneLineError(Cli.Result r, String fragment) {
        assertEquals(1, r.exitCode(), r::toString);
        assertEquals(1, r.errLines().size(), r::toString);
        assertTrue(r.errLines().get(0).startsWith("bus: "), r::toString);
        assertTrue(r.err().contains(fragment), r::toString);
        assertEquals("", r.out(), r::toString);
    }

    private static void assertUsage(Cli.Result r, String fragment) {
        assertEquals(2, r.exitCode(), r::toString);
        assertTrue(r.err().contains(fragment), r::toString);
        assertTrue(r.err().contains("Usage: bus"), r::toString);
    }

    private static List<String> payloads(Cli.Result r) {
        assertEquals(0, r.exitCode(), r::toString);
        List<String> p = new ArrayList<>();
        for (String line : r.outLines()) {
            p.add(line.substring(line.indexOf("Z: ") + 3));
        }
        return p;
    }

    private static int subscriptions() {
        return subscriptions(env);
    }

    private static int subscriptions(Map<String, String> environment) {
        Cli.Result r = Cli.run(environment, "status", "--json");
        assertEquals(0, r.exitCode(), r::toString);
        try {
            return JSON.readTree(r.out()).get("subscriptions").asInt();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
