package org.backplane.vsync.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.backplane.vsync.membership.Breakage;

/**
 * Schedules that once failed, stored as scripts ({@code src/test/resources/schedules}) and
 * replayed exactly, so each keeps testing the fault sequence that found its bug however the
 * generators change. Each file's header names the seed, the harness version that generated it,
 * the engine it failed (for the oldest ones: the engine of the fixing commit with that one fix
 * taken out, since the engines they were found with were never committed), what it found, and
 * the digest of its actions. The test proves the replay took exactly the stored actions (same
 * lines, same digest; a run stored where the engine threw then gets the usual heal and quiet
 * end) and that the engine now keeps every guarantee on it.
 */
class PinnedSchedulesTest {

    static Stream<String> pinned() throws IOException, URISyntaxException {
        Path dir = Path.of(PinnedSchedulesTest.class.getResource("/schedules").toURI());
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".txt")).sorted().toList().stream();
        }
    }

    static ScheduleScript load(String name) throws IOException, URISyntaxException {
        Path f = Path.of(PinnedSchedulesTest.class.getResource("/schedules/" + name).toURI());
        return ScheduleScript.parse(Files.readString(f, StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @MethodSource("pinned")
    @Timeout(120)
    void pinnedScheduleReplaysExactlyAndKeepsEveryGuarantee(String name) throws Exception {
        ScheduleScript in = load(name);
        assertEquals(in.field("digest"), in.digest(), name + ": the stored actions are the ones that failed");
        SimHarness.Outcome o = new ScriptReplay(in, Breakage.NONE).run();
        List<String> stored = in.lines().subList(0, in.lines().size() - 1); // all but "end"
        List<String> done = o.script().lines();
        assertTrue(done.size() > stored.size(), name + ": the replay stopped early: " + o.describe());
        assertEquals(stored, done.subList(0, stored.size()), name + ": the replay took other actions than stored");
        System.out.println(name + " (" + in.field("what it found") + "): faults " + in.faults() + " -> "
                + (o.ok() ? "ok" : o.describe()));
        assertTrue(o.ok(), o.describe());
    }

    @Test
    @Timeout(120)
    void aRecordedScheduleReplaysEventForEvent() {
        for (long seed : new long[] {3, 4}) {
            ScheduleRunner runner = new ScheduleRunner(seed, Breakage.NONE);
            SimHarness.Outcome generated = runner.run();
            ScheduleScript s = ScheduleScript.parse(generated.script().text());
            ScriptReplay replay = new ScriptReplay(s, Breakage.NONE);
            SimHarness.Outcome replayed = replay.run();
            List<String> stored = s.lines().subList(0, s.lines().size() - 1);
            assertEquals(stored, replayed.script().lines().subList(0, stored.size()), "seed " + seed + ": same actions");
            assertEquals(generated.events(), replay.storedEndEvents(), "seed " + seed + ": same simulation events");
            assertEquals(runner.historyDigest(), replay.storedEndHistory(), "seed " + seed + ": the same history, event for event");
        }
    }
}
