package org.backplane.cli.bench;

import org.backplane.client.BusMessage;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The benchmark's per-subscriber check catches every kind of wrong delivery. */
class BenchCheckerTest {
    @Test
    void inOrderDeliveryIsClean() {
        Bench.Checker c = new Bench.Checker(2, 32);
        for (long seq = 1; seq <= 5; seq++) {
            c.onMessage(message(0, seq, seq, 1));
            c.onMessage(message(1, seq, seq, 0));
        }
        assertEquals(5, c.highestSeq(0));
        assertEquals(5, c.highestSeq(1));
        assertEquals(0, c.lostOn(0, 5) + c.lostOn(1, 5));
        assertEquals(0, c.duplicated + c.misnumbered);
        assertEquals(5, c.measured);
        assertEquals(5, c.latency.getTotalCount());
    }

    @Test
    void gapsDuplicatesMisnumberingAndMissingTailAreCounted() {
        Bench.Checker c = new Bench.Checker(1, 32);
        c.onMessage(message(0, 1, 1, 1));
        c.onMessage(message(0, 4, 4, 1)); // 2 and 3 lost
        c.onMessage(message(0, 4, 4, 1)); // duplicate
        c.onMessage(message(0, 3, 3, 1)); // behind: counted as duplicate/out of order
        c.onMessage(message(0, 5, 6, 1)); // seq 5 carries the payload of 6
        assertEquals(2 + 3, c.lostOn(0, 8)); // 2, 3 never seen; 6, 7, 8 acked but missing
        assertEquals(2, c.duplicated);
        assertEquals(1, c.misnumbered);
    }

    @Test
    void aWrongSizeOrCorruptFillerIsMisnumbered() {
        Bench.Checker c = new Bench.Checker(1, 32);
        c.onMessage(new BusMessage("/B/P0", 1, 0, null, null, new byte[31]));
        BusMessage corrupt = message(0, 1, 1, 0);
        corrupt.payload()[30] ^= 1; // in the filler's tail
        c.onMessage(corrupt);
        BusMessage corrupt2 = message(0, 2, 2, 0);
        corrupt2.payload()[20] ^= 1; // in the filler's first eight bytes
        c.onMessage(corrupt2);
        assertEquals(3, c.misnumbered);
    }

    private static BusMessage message(int publisher, long seq, long payloadSeq, int phase) {
        byte[] b = new byte[32];
        Bench.Checker.fill(b, payloadSeq, phase, publisher);
        Bench.Checker.putLong(b, 0, System.nanoTime());
        return new BusMessage("/B/P" + publisher, seq, 0, null, null, b);
    }
}
