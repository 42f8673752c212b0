package org.backplane.vsync.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import org.backplane.vsync.membership.Breakage;

/**
 * Runs many seeded random schedules with faults through the history checker and prints one
 * summary line. {@code -Dschedules=N} sets how many (2,000 by default; the {@code soak} profile
 * runs 100,000), {@code -Dseed=S} reruns one schedule, {@code -DfirstSeed=S} shifts the range.
 */
class RandomSchedulesTest {

    static Summary runMany(long firstSeed, int count, Breakage breakage, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<ScheduleRunner.Outcome>> fs = new ArrayList<>();
            for (long s = firstSeed; s < firstSeed + count; s++) {
                long seed = s;
                fs.add(pool.submit(() -> new ScheduleRunner(seed, breakage).run()));
            }
            Summary sum = new Summary();
            for (Future<ScheduleRunner.Outcome> f : fs) {
                sum.add(f.get());
            }
            return sum;
        } finally {
            pool.shutdownNow();
        }
    }

    static final class Summary {
        int schedules;
        long faults;
        long events;
        final Map<ScheduleRunner.Fault, Integer> byKind = new EnumMap<>(ScheduleRunner.Fault.class);
        final List<ScheduleRunner.Outcome> failed = new ArrayList<>();

        void add(ScheduleRunner.Outcome o) {
            schedules++;
            faults += o.faultCount();
            events += o.events();
            o.faults().forEach((k, v) -> byKind.merge(k, v, Integer::sum));
            if (!o.ok()) {
                failed.add(o);
            }
        }

        String line(long millis) {
            return "schedules run: " + schedules + ", faults injected: " + faults + " " + byKind
                    + ", violations found: " + failed.size() + " (" + events + " events, " + millis + " ms)";
        }
    }

    @Test
    void twoThousandFaultySchedulesKeepEveryGuarantee() throws Exception {
        String one = System.getProperty("seed");
        long first = one != null ? Long.parseLong(one) : Long.getLong("firstSeed", 1);
        int count = one != null ? 1 : Integer.getInteger("schedules", 2000);
        long t0 = System.currentTimeMillis();
        // Generous: about 0.1 s per schedule on two idle cores; 1 s each plus a minute of slack.
        Summary s = assertTimeoutPreemptively(Duration.ofSeconds(60 + count),
                () -> runMany(first, count, Breakage.NONE, Integer.getInteger("threads", 2)));
        System.out.println(s.line(System.currentTimeMillis() - t0));
        for (ScheduleRunner.Outcome o : s.failed.subList(0, Math.min(5, s.failed.size()))) {
            System.out.println(o.describe());
        }
        assertEquals(0, s.failed.size(), s.failed.isEmpty() ? "" : s.failed.get(0).describe());
    }
}
