package org.backplane.vsync.sim;

import org.backplane.vsync.membership.Breakage;

/**
 * Runs a range of schedules outside JUnit and prints the summary and any failure (a developer
 * tool for long soaks from a copied class path). Args: firstSeed count threads.
 */
final class SoakMain {
    public static void main(String[] args) throws Exception {
        long first = Long.parseLong(args[0]);
        int count = Integer.parseInt(args[1]);
        int threads = Integer.parseInt(args[2]);
        long t0 = System.currentTimeMillis();
        RandomSchedulesTest.Summary s = RandomSchedulesTest.runMany(first, count, Breakage.NONE, threads);
        System.out.println(s.line(System.currentTimeMillis() - t0));
        for (SimHarness.Outcome o : s.failed) {
            System.out.println(o.describe());
        }
    }
}
