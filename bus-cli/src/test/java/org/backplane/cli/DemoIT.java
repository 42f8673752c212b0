package org.backplane.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bus demo} with its defaults, in-process: runs to completion within its 30 s limit,
 * prints replay-then-live and an OK summary, and leaves no data directory behind.
 */
class DemoIT {
    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void demoEndsByItselfWithinThirtySecondsWithAnOkSummaryAndLeavesNothingBehind() {
        long startNs = System.nanoTime();
        Cli.Result r = Cli.run("demo");
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNs);
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(seconds < 30, "demo took " + seconds + " s\n" + r);

        String out = r.out();
        assertTrue(out.contains("late   replayed "), out);
        assertTrue(out.contains("now live"), out);
        assertTrue(out.contains("late   first live quote: /DEMO/QUOTES/"), out);
        assertTrue(out.indexOf("now live") < out.lastIndexOf(" live"), out);
        assertTrue(out.contains("result     OK: every quote once, in order; index correct"), out);
        Matcher late = Pattern.compile("late +([\\d,]+) replayed \\+ ([\\d,]+) live = ([\\d,]+) of ([\\d,]+) expected, 0 gaps, 0 duplicates")
                .matcher(out);
        assertTrue(late.find(), out);
        assertTrue(number(late.group(1)) > 0 && number(late.group(2)) > 0, out);
        assertEquals(number(late.group(3)), number(late.group(4)), out);

        Matcher dir = Pattern.compile("history in (\\S+) \\(deleted at the end\\)").matcher(out);
        assertTrue(dir.find(), out);
        assertFalse(Files.exists(Path.of(dir.group(1))), "demo data directory left behind: " + dir.group(1));
        List<String> lingering = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && !t.isDaemon() && t.getName().startsWith("bus-"))
                .map(Thread::getName).toList();
        assertTrue(lingering.isEmpty() || awaitGone(), "threads left running: " + lingering);
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void salaryDemoShowsStateTransferToANewReplicaAndEndsWithAgreement() {
        Cli.Result r = Cli.run("demo", "salary");
        assertEquals(0, r.exitCode(), r::toString);
        String out = r.out();
        assertTrue(out.contains("three replicas up"), out);
        assertTrue(out.contains("crashing replica-2"), out);
        Matcher tables = Pattern.compile("\\[salary\\] (replica-\\d)#\\d+ \\(view \\d+\\) table (\\{.*\\})").matcher(out);
        List<String> finalTables = new java.util.ArrayList<>();
        List<String> replicas = new java.util.ArrayList<>();
        while (tables.find()) {
            replicas.add(tables.group(1));
            finalTables.add(tables.group(2));
        }
        assertEquals(List.of("replica-1", "replica-3", "replica-4"), replicas, out);
        assertEquals(1, finalTables.stream().distinct().count(), out);
        assertEquals("{alice=125000, bob=105000, carol=101500, dave=88000}", finalTables.get(0), out);
        assertTrue(out.contains("all replicas agree; the new replica got the table by state transfer"), out);
    }

    @Test
    void anUnknownSampleIsAUsageError() {
        Cli.Result r = Cli.run("demo", "poker");
        assertEquals(2, r.exitCode(), r::toString);
        assertTrue(r.err().contains("poker"), r::toString);
    }

    private static boolean awaitGone() {
        Await.until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.isAlive() && !t.isDaemon() && t.getName().startsWith("bus-")), 10_000,
                "the demo's server and client threads to end");
        return true;
    }

    private static long number(String s) {
        return Long.parseLong(s.replace(",", ""));
    }
}
