package org.backplane.vsync.flush;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.backplane.vsync.api.Ordering;
import org.backplane.vsync.multicast.Data;

class CutCalculatorTest {

    private static Data data(int rank, long seq, long[] vt, Ordering o) {
        return new Data("g", 1, rank, seq, vt, o, false, false, new byte[0]);
    }

    private static PrepareOk report(long[] recv, long[] del, long deliveredPos, long orderBase,
                                    int[] ranks, long[] seqs, List<Data> absent) {
        return new PrepareOk("g", 1, new Ballot(1, 0), recv, del, deliveredPos, orderBase, ranks, seqs, absent,
                null, null, false);
    }

    @Test
    void keepsWhatAnyParticipantHoldsFromACrashedSender() {
        // Rank 2 crashed; participant 0 holds its messages 1..3, participant 1 only 1.
        Data m1 = data(2, 1, new long[] {0, 0, 1}, Ordering.CBCAST);
        Data m2 = data(2, 2, new long[] {0, 0, 2}, Ordering.CBCAST);
        Data m3 = data(2, 3, new long[] {0, 0, 3}, Ordering.CBCAST);
        PrepareOk a = report(new long[] {5, 4, 3}, new long[] {5, 4, 3}, 0, 0, new int[0], new long[0], List.of(m1, m2, m3));
        PrepareOk b = report(new long[] {5, 4, 1}, new long[] {5, 4, 1}, 0, 0, new int[0], new long[0], List.of(m1));
        Cut cut = CutCalculator.compute(3, List.of(a, b), new boolean[] {true, true, false});
        assertArrayEquals(new long[] {5, 4, 3}, cut.seqs());
    }

    @Test
    void cutsACrashedSendersMessageWhosePredecessorIsLost() {
        // Rank 2's message 1 depends on rank 3's message 1, which no participant holds (both crashed).
        Data m = data(2, 1, new long[] {0, 0, 1, 1}, Ordering.CBCAST);
        PrepareOk a = report(new long[] {2, 2, 1, 0}, new long[] {2, 2, 0, 0}, 0, 0, new int[0], new long[0], List.of(m));
        PrepareOk b = report(new long[] {2, 2, 0, 0}, new long[] {2, 2, 0, 0}, 0, 0, new int[0], new long[0], List.of());
        Cut cut = CutCalculator.compute(4, List.of(a, b), new boolean[] {true, true, false, false});
        assertArrayEquals(new long[] {2, 2, 0, 0}, cut.seqs());
    }

    @Test
    void refusesToCutAMessageSomeoneDelivered() {
        Data m = data(2, 1, new long[] {0, 0, 1, 1}, Ordering.CBCAST);
        // Participant a delivered rank 2's message although its predecessor is nowhere: impossible
        // in a correct run, so the calculator stops with a broken invariant instead of cutting it.
        PrepareOk a = report(new long[] {0, 0, 1, 0}, new long[] {0, 0, 1, 0}, 0, 0, new int[0], new long[0], List.of(m));
        PrepareOk b = report(new long[] {0, 0, 1, 0}, new long[] {0, 0, 0, 0}, 0, 0, new int[0], new long[0], List.of(m));
        assertThrows(IllegalStateException.class,
                () -> CutCalculator.compute(4, List.of(a, b), new boolean[] {true, true, false, false}));
    }

    @Test
    void orderStopsAtTheFirstRecordWhoseMessageIsNotInTheCut() {
        // Known order: (0,1) (2,1) (1,1); rank 2's message 1 is held by nobody.
        PrepareOk a = report(new long[] {1, 1, 0}, new long[] {0, 0, 0}, 0, 0, new int[] {0, 2, 1}, new long[] {1, 1, 1}, List.of());
        Cut cut = CutCalculator.compute(3, List.of(a), new boolean[] {true, true, false});
        assertEquals(0, cut.orderBase());
        assertArrayEquals(new int[] {0}, cut.orderRanks());
    }

    @Test
    void leftoversFollowCausality() {
        Data early = data(1, 1, new long[] {0, 1, 0}, Ordering.ABCAST);
        Data late = data(0, 1, new long[] {1, 1, 0}, Ordering.ABCAST); // rank 0 delivered rank 1's first
        Data other = data(2, 1, new long[] {0, 0, 1}, Ordering.ABCAST);
        List<Data> order = CutCalculator.orderLeftovers(List.of(late, other, early));
        assertEquals(List.of(early, other, late), order);
    }
}
