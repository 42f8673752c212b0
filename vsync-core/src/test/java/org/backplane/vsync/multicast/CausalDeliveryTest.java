package org.backplane.vsync.multicast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.backplane.vsync.api.Ordering;
import org.backplane.vsync.ordering.OrderLog;

class CausalDeliveryTest {

    private static Data data(int rank, long seq, long[] vt, Ordering o) {
        return new Data("g", 1, rank, seq, vt, o, false, false, new byte[0]);
    }

    @Test
    void holdsAMessageUntilItsCausalPredecessorArrives() {
        CausalDelivery cd = new CausalDelivery(3);
        List<String> out = new ArrayList<>();
        OrderLog order = new OrderLog();
        // rank 1 sent m2 after delivering rank 0's m1
        cd.receive(data(1, 1, new long[] {1, 1, 0}, Ordering.CBCAST));
        cd.deliver(order, (k, d) -> true, (k, d, p) -> out.add(k + "#" + d.seq()));
        assertEquals(List.of(), out);
        cd.receive(data(0, 1, new long[] {1, 0, 0}, Ordering.CBCAST));
        cd.deliver(order, (k, d) -> true, (k, d, p) -> out.add(k + "#" + d.seq()));
        assertEquals(List.of("0#1", "1#1"), out);
    }

    @Test
    void abcastWaitsForTheOrderAndFollowsIt() {
        CausalDelivery cd = new CausalDelivery(2);
        OrderLog order = new OrderLog();
        List<String> out = new ArrayList<>();
        cd.receive(data(0, 1, new long[] {1, 0}, Ordering.ABCAST));
        cd.receive(data(1, 1, new long[] {0, 1}, Ordering.ABCAST));
        cd.deliver(order, (k, d) -> true, (k, d, p) -> out.add(k + "@" + p));
        assertEquals(List.of(), out);
        order.appendBatch(1, new int[] {1, 0}, new long[] {1, 1});
        cd.deliver(order, (k, d) -> true, (k, d, p) -> out.add(k + "@" + p));
        assertEquals(List.of("1@1", "0@2"), out);
    }

    @Test
    void dropsDuplicatesAndMalformedMessages() {
        CausalDelivery cd = new CausalDelivery(2);
        Data m = data(0, 1, new long[] {1, 0}, Ordering.CBCAST);
        cd.receive(m);
        assertFalse(cd.receive(m));
        assertFalse(cd.receive(data(0, 2, new long[] {2}, Ordering.CBCAST)), "wrong vector length");
        assertFalse(cd.receive(data(5, 1, new long[] {1, 0}, Ordering.CBCAST)), "rank out of range");
    }
}
