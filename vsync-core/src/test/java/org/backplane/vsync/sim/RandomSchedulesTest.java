package org.backplane.vsync.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import org.backplane.vsync.membership.Breakage;

/**
 * Runs many seeded random schedules with faults through the history checker and prints one
 * summary line. {@code -Dschedules=N} sets how many (2,000 by default; the {@code soak} profile
 * runs 100,000), {@code -Dseed=S} reruns one schedule, {@code -DfirstSeed=S} shifts the range,
 * {@code -Dharness=V} generates with an older harness version. Every failing schedule is written
 * as a script to {@code target/failed-schedules/} (or {@code -Dschedules.dir=}), ready to be pinned.
 */
class RandomSchedulesTest {

    static Summary runMany(long firstSeed, int count, Breakage breakage, int threads) throws Exception {
        return runMany(firstSeed, count, breakage, threads, Integer.getInteger("harness", ScheduleRunner.LATEST));
    }

    static Summary runMany(long firstSeed, int count, Breakage breakage, int threads, int version) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<SimHarness.Outcome>> fs = new ArrayList<>();
            for (long s = firstSeed; s < firstSeed + count; s++) {
                long seed = s;
                fs.add(pool.submit(() -> new ScheduleRunner(seed, breakage, version).run()));
            }
            Summary sum = new Summary();
            for (Future<SimHarness.Outcome> f : fs) {
                SimHarness.Outcome o = f.get();
                sum.add(o);
                if (!o.ok() && breakage == Breakage.NONE) {
                    keep(o);
                }
            }
            return sum;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Writes a failing schedule's script (with what it found) where it can be pinned from. */
    static Path keep(SimHarness.Outcome o) throws IOException {
        Path dir = Path.of(System.getProperty("schedules.dir", "target/failed-schedules"));
        Files.createDirectories(dir);
        ScheduleScript s = o.script();
        String first = o.problems().isEmpty() ? o.result().violations().get(0).property() + ": "
                + o.result().violations().get(0).description() : o.problems().get(0);
        s.comment("as the checker reported it: " + first.lines().findFirst().orElse("").replace('#', ' '));
        s.comment("events on that engine: " + o.events());
        s.comment("digest: " + s.digest());
        Path f = dir.resolve("seed-" + o.seed() + ".txt");
        Files.writeString(f, s.text(), StandardCharsets.UTF_8);
        return f;
    }

    static final class Summary {
        int schedules;
        int primaryLost;
        int refounded;
        long faults;
        long events;
        final Map<ScheduleRunner.Fault, Integer> byKind = new TreeMap<>();
        final List<SimHarness.Outcome> failed = new ArrayList<>();

        void add(SimHarness.Outcome o) {
            schedules++;
            faults += o.faultCount();
            events += o.events();
            if (o.primaryLost()) {
                primaryLost++;
            } else if (o.result().refounded()) {
                refounded++;
            }
            o.faults().forEach((k, v) -> byKind.merge(ScheduleRunner.Fault.valueOf(k), v, Integer::sum));
            if (!o.ok()) {
                failed.add(o);
            }
        }

        String line(long millis) {
            return "schedules run: " + schedules + " (lost the primary: " + primaryLost + " for good, safety checked and"
                    + " liveness waived; " + refounded + " by the failure of every member, the group founded anew and checked)"
                    + ", faults injected: " + faults + " " + byKind
                    + ", violations found: " + failed.size() + " (" + events + " events, " + millis + " ms)";
        }
    }

    @Test
    void twoThousandFaultySchedulesKeepEveryGuarantee() throws Exception {
        String one = System.getProperty("seed");
        long first = one != null ? Long.parseLong(one) : Long.getLong("firstSeed", 1);
        int count = one != null ? 1 : Integer.getInteger("schedules", 2000);
        long t0 = System.currentTimeMillis();
        // Generous: about 0.03 s per schedule on two idle cores; 1 s each plus a minute of slack.
        Summary s = assertTimeoutPreemptively(Duration.ofSeconds(60 + count),
                () -> runMany(first, count, Breakage.NONE, Integer.getInteger("threads", 2)));
        System.out.println(s.line(System.currentTimeMillis() - t0));
        for (SimHarness.Outcome o : s.failed.subList(0, Math.min(5, s.failed.size()))) {
            System.out.println(o.describe());
        }
        assertEquals(0, s.failed.size(), s.failed.isEmpty() ? "" : s.failed.get(0).describe());
    }
}
