package org.backplane.vsync.sim;

import org.backplane.vsync.membership.Breakage;

/** Prints where a schedule's time goes (simulation and checks vs the whole); a developer tool, not a test. Args: [count]. */
final class ScheduleTiming {
    public static void main(String[] args) {
        long sim = 0;
        long all = 0;
        long events = 0;
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        for (long s = 1; s <= n; s++) {
            long t0 = System.nanoTime();
            ScheduleRunner r = new ScheduleRunner(s, Breakage.NONE);
            SimHarness.Outcome o = r.run();
            all += System.nanoTime() - t0;
            sim += r.simNs;
            events += o.events();
        }
        System.out.printf("%d schedules: %d ms in all, %d ms simulating, %d events%n", n, all / 1_000_000, sim / 1_000_000, events);
    }
}
