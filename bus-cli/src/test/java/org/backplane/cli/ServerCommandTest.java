package org.backplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bus server}'s options map one to one onto ServerConfig keys, a config file is read first
 * and options override it; checked through {@code --print-config}, which starts nothing.
 */
class ServerCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void noOptionsMeansTheDocumentedDefaults() throws Exception {
        JsonNode c = printConfig();
        assertEquals("127.0.0.1:7420", c.get("listen").asText());
        assertEquals("./bus-data", c.get("dataDir").asText());
        assertEquals("os", c.get("durability").asText());
        assertEquals(0, c.get("retention").size());
        assertFalse(c.has("serverId"));
    }

    @Test
    void everyOptionSetsItsKey() throws Exception {
        JsonNode c = printConfig("--listen", "0.0.0.0:9000", "--data-dir", "/tmp/x", "--server-id", "n1",
                "--durability", "INTERVAL", "--durability-interval", "250ms",
                "--retention", "pattern=/DEMO/QUOTES/*,maxCount=1000,compact",
                "--retention", "pattern=/LOGS/**,maxAge=7d,maxBytes=1048576",
                "--max-message-bytes", "2048", "--max-frame-bytes", "70000", "--max-connections", "10",
                "--max-subscriptions-per-connection", "5", "--max-in-flight-per-connection", "64",
                "--idle-timeout", "1m", "--io-threads", "2");
        assertEquals("0.0.0.0:9000", c.get("listen").asText());
        assertEquals("/tmp/x", c.get("dataDir").asText());
        assertEquals("n1", c.get("serverId").asText());
        assertEquals("interval", c.get("durability").asText());
        assertEquals("250ms", c.get("durabilityInterval").asText());
        JsonNode r0 = c.get("retention").get(0);
        assertEquals("/DEMO/QUOTES/*", r0.get("pattern").asText());
        assertEquals(1000, r0.get("maxCount").asLong());
        assertTrue(r0.get("compact").asBoolean());
        JsonNode r1 = c.get("retention").get(1);
        assertEquals("/LOGS/**", r1.get("pattern").asText());
        assertEquals("7d", r1.get("maxAge").asText());
        assertEquals(1048576, r1.get("maxBytes").asLong());
        assertFalse(r1.get("compact").asBoolean());
        assertEquals(2048, c.get("maxMessageBytes").asInt());
        assertEquals(70000, c.get("maxFrameBytes").asInt());
        assertEquals(10, c.get("maxConnections").asInt());
        assertEquals(5, c.get("maxSubscriptionsPerConnection").asInt());
        assertEquals(64, c.get("maxInFlightPerConnection").asInt());
        assertEquals("1m", c.get("idleTimeout").asText());
        assertEquals(2, c.get("ioThreads").asInt());
    }

    @Test
    void optionsOverrideTheConfigFile() throws Exception {
        Path file = dir.resolve("bus.json");
        Files.writeString(file, """
                { "listen": "127.0.0.1:7500", "dataDir": "/srv/bus", "maxConnections": 50,
                  "retention": [ { "pattern": "/A/**", "maxCount": 5 } ] }
                """);
        JsonNode c = printConfig("--config", file.toString(), "--listen", "127.0.0.1:7600",
                "--retention", "pattern=/B/*,maxCount=7");
        assertEquals("127.0.0.1:7600", c.get("listen").asText());
        assertEquals("/srv/bus", c.get("dataDir").asText());
        assertEquals(50, c.get("maxConnections").asInt());
        assertEquals(1, c.get("retention").size());
        assertEquals("/B/*", c.get("retention").get(0).get("pattern").asText());
    }

    @Test
    void aBadConfigFileIsOneLineAndExitOne() throws Exception {
        Path file = dir.resolve("bad.json");
        Files.writeString(file, "{ \"listen\": \"127.0.0.1:7500\", \"maxConections\": 5 }");
        Cli.Result r = Cli.run("server", "--config", file.toString(), "--print-config");
        assertEquals(1, r.exitCode(), r::toString);
        assertTrue(r.err().startsWith("bus: config file " + file + ": unknown config key 'maxConections'"), r::toString);
        assertEquals(1, r.errLines().size(), r::toString);

        Cli.Result missing = Cli.run("server", "--config", dir.resolve("none.json").toString(), "--print-config");
        assertEquals(1, missing.exitCode(), missing::toString);
        assertTrue(missing.err().contains("does not exist"), missing::toString);
    }

    @Test
    void aPortInUseIsOneLineAndExitOne() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1,
                java.net.InetAddress.getByName("127.0.0.1"))) {
            Cli.Result r = Cli.run("server", "--listen", "127.0.0.1:" + taken.getLocalPort(), "--data-dir",
                    dir.resolve("d").toString(), "--log-level", "off");
            assertEquals(1, r.exitCode(), r::toString);
            assertEquals(1, r.errLines().size(), r::toString);
            assertTrue(r.err().startsWith("bus: cannot listen on 127.0.0.1:" + taken.getLocalPort()), r::toString);
        }
    }

    private static JsonNode printConfig(String... options) throws Exception {
        String[] args = new String[options.length + 2];
        args[0] = "server";
        System.arraycopy(options, 0, args, 1, options.length);
        args[args.length - 1] = "--print-config";
        Cli.Result r = Cli.run(args);
        assertEquals(0, r.exitCode(), r::toString);
        return JSON.readTree(r.out());
    }
}
