package org.backplane.server;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServerConfigTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        ServerConfig c = ServerConfig.defaults();
        assertEquals("127.0.0.1", c.listen().getHostString());
        assertEquals(7420, c.listen().getPort());
        assertEquals(Path.of("./bus-data"), c.dataDir());
        assertEquals(ServerConfig.Durability.OS, c.durability());
        assertEquals(1 << 20, c.maxMessageBytes());
        assertEquals((1 << 20) + 64 * 1024, c.maxFrameBytes());
        assertEquals(4096, c.maxInFlightPerConnection());
        assertEquals(1024, c.maxSubscriptionsPerConnection());
        assertEquals(10_000, c.maxConnections());
        assertEquals(Duration.ofSeconds(30), c.idleTimeout());
        assertNull(c.serverId());
        assertTrue(c.retention().isEmpty());
    }

    @Test
    void automaticIoThreadsAreOneLoopOnUpToTwoCoresElseOnePerCore() {
        ServerConfig auto = ServerConfig.defaults();
        assertEquals(0, auto.ioThreads());
        assertEquals(1, BusServer.ioLoops(auto, 1));
        assertEquals(1, BusServer.ioLoops(auto, 2));
        assertEquals(3, BusServer.ioLoops(auto, 3));
        assertEquals(8, BusServer.ioLoops(auto, 8));
        ServerConfig three = ServerConfig.builder().ioThreads(3).build();
        assertEquals(3, BusServer.ioLoops(three, 2), "an explicit count wins on any machine");
        assertEquals(3, BusServer.ioLoops(three, 16));
    }

    @Test
    void jsonKeysMapOntoTheBuilderAndRoundTrip() {
        ServerConfig c = ServerConfig.fromJson("""
                { "serverId": "n1", "listen": "0.0.0.0:9000", "dataDir": "/tmp/x", "durability": "interval",
                  "durabilityInterval": "250ms", "maxMessageBytes": 2048, "maxInFlightPerConnection": 100,
                  "retention": [ { "pattern": "/DEMO/QUOTES/*", "maxCount": 1000, "maxAge": "7d", "compact": true },
                                 { "pattern": "/**", "maxBytes": 1000000 } ] }""");
        assertEquals("n1", c.serverId());
        assertEquals(9000, c.listen().getPort());
        assertEquals(ServerConfig.Durability.INTERVAL, c.durability());
        assertEquals(Duration.ofMillis(250), c.durabilityInterval());
        assertEquals(2048, c.maxMessageBytes());
        assertEquals(2048 + 64 * 1024, c.maxFrameBytes());
        assertEquals(2, c.retention().size());
        ServerConfig.RetentionRule r = c.retention().get(0);
        assertEquals(1000, r.maxCount());
        assertEquals(Duration.ofDays(7), r.maxAge());
        assertTrue(r.compact());
        ServerConfig again = ServerConfig.fromJson(c.toJson());
        assertEquals(c.toJson(), again.toJson());
    }

    @Test
    void badConfigsNameTheProblem() {
        assertMessage("unknown config key 'lisen'", "{\"lisen\": \"x\"}");
        assertMessage("not valid JSON", "{");
        assertMessage("durability must be os, interval or commit", "{\"durability\": \"fsync\"}");
        assertMessage("idleTimeout: '3 weeks' is not a duration", "{\"idleTimeout\": \"3 weeks\"}");
        assertMessage("maxMessageBytes must be an integer", "{\"maxMessageBytes\": \"big\"}");
        assertMessage("retention.pattern", "{\"retention\": [{\"pattern\": \"/A/B*\"}]}");
        assertMessage("unknown retention key 'count'", "{\"retention\": [{\"pattern\": \"/A\", \"count\": 1}]}");
        assertMessage("maxFrameBytes must be at least maxMessageBytes", "{\"maxFrameBytes\": 10}");
        assertMessage("port '99999' is not 0-65535", "{\"listen\": \"127.0.0.1:99999\"}");
    }

    private static void assertMessage(String expected, String json) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ServerConfig.fromJson(json));
        assertTrue(e.getMessage().contains(expected), e.getMessage() + " should contain " + expected);
    }

    @Test
    void durationsParseInEveryDocumentedForm() {
        assertEquals(Duration.ofMillis(500), ServerConfig.parseDuration("500ms", "x"));
        assertEquals(Duration.ofSeconds(30), ServerConfig.parseDuration("30s", "x"));
        assertEquals(Duration.ofMinutes(10), ServerConfig.parseDuration("10m", "x"));
        assertEquals(Duration.ofHours(2), ServerConfig.parseDuration("2h", "x"));
        assertEquals(Duration.ofDays(7), ServerConfig.parseDuration("7d", "x"));
        assertEquals(Duration.ofSeconds(30), ServerConfig.parseDuration("PT30S", "x"));
        assertEquals("7d", ServerConfig.formatDuration(Duration.ofDays(7)));
        assertEquals("1500ms", ServerConfig.formatDuration(Duration.ofMillis(1500)));
    }
}
