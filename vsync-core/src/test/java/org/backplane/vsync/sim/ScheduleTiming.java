package org.backplane.vsync.sim;

import org.backplane.vsync.membership.Breakage;

/** Prints where a schedule's time goes (simulation vs checking); a developer tool, not a test. */
final class ScheduleTiming {
    public static void main(String[] args) {
        long sim = 0;
        long check = 0;
        long events = 0;
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        for (long s = 1; s <= n; s++) {
            ScheduleRunner r = new ScheduleRunner(s, Breakage.NONE);
            ScheduleRunner.Outcome o = r.run();
            sim += r.simNs;
            check += r.checkNs;
            events += o.events();
        }
        System.out.printf("%d schedules: sim %d ms, check %d ms, %d events, %d history events%n", n, sim / 1_000_000, check / 1_000_000, events, 0);
    }
}
