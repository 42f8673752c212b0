package org.backplane.samples.trading;

import org.backplane.client.BusClient;
import org.backplane.client.TopicInfo;
import org.backplane.server.BusServer;
import org.backplane.server.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The trading sample end to end against an in-JVM server: the late subscriber gets every quote
 * once and in order (replay, then live), the index matches the feed's last prices, and the server
 * holds exactly what the feed posted. A second run on the same server (history already there)
 * is still exact.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TradingSampleIT {
    @TempDir
    Path dir;

    @org.junit.jupiter.api.BeforeAll
    static void quiet() {
        QuietLogs.warnOnly();
    }

    @Test
    void lateSubscriberGetsEveryQuoteOnceAndTheIndexIsRightAlsoOnASecondRun() throws Exception {
        TradingSample.Settings settings = new TradingSample.Settings(List.of("IBM", "AAPL", "SAP"), 300,
                Duration.ofSeconds(3), Duration.ofSeconds(1), 7);
        try (BusServer server = BusServer.start(ServerConfig.builder().listen("127.0.0.1:0").dataDir(dir).build())) {
            TradingSample.Summary first = run(server, settings);
            assertEquals(first.published(), first.expected(), "fresh server: the late subscriber owes every quote");
            assertTrue(first.replayed() > 0, "joined after 1 s: something to replay");
            assertTrue(first.live() > 0, "the feed ran 2 s more: something live");
            assertTopicsHold(server, settings, first.published(), first.expectedIndexCents());

            TradingSample.Summary second = run(server, settings);
            assertEquals(first.published() + second.published(), second.expected(),
                    "second run: the late subscriber replays the first run too");
            assertTopicsHold(server, settings, first.published() + second.published(), second.expectedIndexCents());
        }
    }

    private static TradingSample.Summary run(BusServer server, TradingSample.Settings settings) throws Exception {
        StringWriter text = new StringWriter();
        TradingSample.Summary s = TradingSample.run(server.addressString(), settings, new PrintWriter(text, true));
        String out = text.toString();
        assertTrue(s.ok(), s + "\n" + out);
        assertEquals(0, s.gaps(), out);
        assertEquals(0, s.duplicates(), out);
        assertEquals(0, s.failed(), out);
        assertEquals(s.expected(), s.received(), out);
        assertEquals(s.expectedIndexCents(), s.indexCents(), out);
        assertEquals(s.expectedIndexCents(), s.lastPostedIndexCents(), out);
        assertTrue(s.published() > 0 && s.published() <= 900, out);
        int replayLine = out.indexOf("late   replayed ");
        int liveLine = out.indexOf("late   first live quote: ");
        assertTrue(replayLine > 0 && liveLine > 0, out);
        assertTrue(out.contains("result     OK"), out);
        return s;
    }

    /** What the server holds, read back with a client of its own. */
    private static void assertTopicsHold(BusServer server, TradingSample.Settings settings, long quotes,
                                         long indexCents) throws Exception {
        try (BusClient c = BusClient.connect(server.addressString())) {
            Map<String, Long> lastSeqs = new HashMap<>();
            for (TopicInfo t : c.topics("/DEMO/QUOTES/*")) {
                lastSeqs.put(t.name(), t.lastSeq());
                assertEquals(t.lastSeq(), t.retainedCount(), "everything retained on " + t.name());
            }
            assertEquals(settings.symbols().size(), lastSeqs.size(), lastSeqs.toString());
            assertEquals(quotes, lastSeqs.values().stream().mapToLong(Long::longValue).sum(), lastSeqs.toString());
            List<TopicInfo> index = c.topics(IndexCalculator.TOPIC);
            assertEquals(1, index.size());
            StringBuilder last = new StringBuilder();
            java.util.concurrent.CountDownLatch got = new java.util.concurrent.CountDownLatch(1);
            try (var sub = c.subscribe(IndexCalculator.TOPIC, org.backplane.client.StartPosition.lastN(1), m -> {
                last.append(m.payloadAsText());
                got.countDown();
            })) {
                assertTrue(got.await(10, TimeUnit.SECONDS));
            }
            assertEquals(new String(IndexCalculator.payload(indexCents), java.nio.charset.StandardCharsets.UTF_8),
                    last.toString());
        }
    }
}
