package org.backplane.vsync.sim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.backplane.vsync.check.HistoryChecker;
import org.backplane.vsync.membership.Breakage;

/**
 * A checker that cannot fail proves nothing: run the same random schedules against an engine
 * broken on purpose (test-only switches) and require the checker to name the broken guarantee.
 */
@Timeout(600)
class CheckerCatchesBrokenEngineTest {

    private static List<SimHarness.Outcome> failures(Breakage b, int schedules) throws Exception {
        RandomSchedulesTest.Summary s = RandomSchedulesTest.runMany(10_000, schedules, b, 2);
        System.out.println(b + ": " + s.line(0));
        return s.failed;
    }

    private static boolean names(List<SimHarness.Outcome> failed, String property) {
        for (SimHarness.Outcome o : failed) {
            for (HistoryChecker.Violation v : o.result().violations()) {
                if (v.property().equals(property)) {
                    System.out.println("caught, seed " + o.seed() + ":\n" + v.describe());
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void abcastIgnoringTheSequencerIsCaughtAsTotalOrderViolation() throws Exception {
        List<SimHarness.Outcome> failed = failures(Breakage.ORDERING, 30);
        assertTrue(names(failed, "V10"), "the checker must report V10 for an engine that ignores the ABCAST order");
    }

    @Test
    void flushWithoutExchangeIsCaughtAsVirtualSynchronyViolation() throws Exception {
        List<SimHarness.Outcome> failed = failures(Breakage.FLUSH, 60);
        assertTrue(names(failed, "V5"), "the checker must report V5 for a flush that does not exchange unstable messages");
    }
}
