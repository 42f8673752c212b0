package org.backplane.samples.trading;

import org.backplane.server.BusServer;
import org.backplane.server.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's Java client example cannot rot: it is {@link HelloBus} (compiled with the
 * module), this test runs it against a real server and checks what it prints, and checks that
 * the README shows exactly that file.
 */
class HelloBusIT {
    @TempDir
    Path dir;

    @org.junit.jupiter.api.BeforeAll
    static void quiet() {
        QuietLogs.warnOnly();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void readmeExampleRunsAndPrintsWhatItPosted() throws Exception {
        List<String> lines;
        try (BusServer server = BusServer.start(ServerConfig.builder().listen("127.0.0.1:0").dataDir(dir).build())) {
            PrintStream original = System.out;
            ByteArrayOutputStream captured = new ByteArrayOutputStream();
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            try {
                HelloBus.main(new String[] {server.addressString()});
            } finally {
                System.setOut(original);
            }
            lines = List.of(captured.toString(StandardCharsets.UTF_8).split("\\R"));
        }
        assertEquals(List.of("posted /DEMO/NEWS seq=1", "/DEMO/NEWS 1: hello from Java",
                "last seq seen on /DEMO/NEWS: 1"), lines);
    }

    @Test
    void readmeShowsExactlyHelloBus() throws Exception {
        Path readme = Path.of("..", "README.md");
        assertTrue(Files.exists(readme), "README.md at the repository root, seen from " + Path.of("").toAbsolutePath());
        String text = Files.readString(readme);
        int section = text.indexOf("### The Java client");
        assertTrue(section >= 0, "README has a '### The Java client' section");
        int start = text.indexOf("```java\n", section) + "```java\n".length();
        int end = text.indexOf("```", start);
        String shown = text.substring(start, end);

        String source = Files.readString(Path.of("src/main/java/org/backplane/samples/trading/HelloBus.java"));
        String marker = "HelloBusIT keeps them equal.\n";
        String fromMarker = source.substring(source.indexOf(marker) + marker.length());
        assertEquals(fromMarker, shown, "README.md's Java example must be HelloBus.java from the line after the marker");
        long lines = shown.lines().count();
        assertTrue(lines <= 20, "the example stays short: " + lines + " lines");
    }
}
