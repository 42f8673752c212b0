package org.backplane.vsync.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.backplane.vsync.api.MemberId;
import org.backplane.vsync.api.MessageId;
import org.backplane.vsync.api.Ordering;
import org.backplane.vsync.api.View;

/** The checker's rules for a lost primary and a group founded anew, on hand-written histories. */
class HistoryCheckerTest {

    private static final MemberId A = new MemberId("a", 1);
    private static final MemberId B = new MemberId("b", 1);
    private static final MemberId C = new MemberId("c", 1);
    private static final View V1 = new View(1, List.of(A));
    private static final View V2 = new View(2, List.of(A, B, C));

    private long clock;
    private final History h = new History(() -> clock++);

    private void threeMembers() {
        h.install("g", A, V1);
        for (MemberId m : List.of(A, B, C)) {
            h.install("g", m, V2);
        }
    }

    private void sendAndDeliver(MemberId sender, long seq, MemberId... at) {
        MessageId id = new MessageId(sender, 2, seq);
        h.send("g", sender, id, Ordering.CBCAST, false, seq);
        for (MemberId m : at) {
            h.deliver("g", m, id, Ordering.CBCAST, false, 0, seq);
        }
    }

    private HistoryChecker.Result check() {
        return new HistoryChecker(true).check(h.events());
    }

    private static boolean reports(HistoryChecker.Result r, String property) {
        return r.violations().stream().anyMatch(v -> v.property().equals(property));
    }

    @Test
    void aMinorityThatStopsAndSaysSoKeepsEveryGuaranteeAndIsReportedAsPrimaryLost() {
        threeMembers();
        sendAndDeliver(A, 1, A, B, C);
        h.crash(B);
        h.crash(C);
        h.quorum("g", A, true);
        HistoryChecker.Result r = check();
        assertTrue(r.ok(), r.describe("hand-written"));
        assertTrue(r.primaryLost());
    }

    @Test
    void aMinorityThatNeverSaysItLostTheMajorityIsAViolation() {
        threeMembers();
        h.crash(B);
        h.crash(C);
        HistoryChecker.Result r = check();
        assertTrue(reports(r, "V3"), r.describe("hand-written"));
    }

    @Test
    void aMemberThatDeliversAfterLosingTheMajorityIsAViolation() {
        threeMembers();
        h.quorum("g", A, true);
        sendAndDeliver(B, 1, A);
        HistoryChecker.Result r = new HistoryChecker(false).check(h.events());
        assertTrue(reports(r, "V3"), r.describe("hand-written"));
    }

    @Test
    void theCutOfACommittedFlushMayBeDeliveredRightBeforeTheNextViewAfterTheMajorityWasLost() {
        threeMembers();
        MessageId id = new MessageId(B, 2, 1);
        h.send("g", B, id, Ordering.CBCAST, false, 1);
        h.quorum("g", A, true);
        h.deliver("g", A, id, Ordering.CBCAST, false, 0, 1);
        h.deliver("g", C, id, Ordering.CBCAST, false, 0, 1);
        View v3 = new View(3, List.of(A, C));
        h.install("g", A, v3);
        h.install("g", C, v3);
        h.crash(B);
        HistoryChecker.Result r = check();
        assertTrue(r.ok(), r.describe("hand-written"));
        assertFalse(r.primaryLost());
    }

    @Test
    void aGroupFoundedAnewAfterEveryMemberFailedIsCheckedAsItsOwnInstance() {
        threeMembers();
        sendAndDeliver(A, 1, A, B, C);
        for (MemberId m : List.of(A, B, C)) {
            h.crash(m);
        }
        MemberId a2 = A.nextIncarnation();
        MemberId b2 = B.nextIncarnation();
        h.install("g", a2, new View(1, List.of(a2)));
        h.install("g", a2, new View(2, List.of(a2, b2)));
        h.install("g", b2, new View(2, List.of(a2, b2)));
        HistoryChecker.Result r = check();
        assertTrue(r.ok(), r.describe("hand-written"));
        assertEquals(2, r.instances());
        assertTrue(r.refounded());
        assertFalse(r.primaryLost(), "the newest instance has its primary");
    }

    @Test
    void aGroupFoundedAnewWhileTheOldOneHasALiveMajorityIsASplitBrain() {
        threeMembers();
        h.crash(C);
        MemberId d = new MemberId("d", 1);
        h.install("g", d, new View(1, List.of(d)));
        HistoryChecker.Result r = check();
        assertTrue(reports(r, "V2"), r.describe("hand-written"));
    }
}
