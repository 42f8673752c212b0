package org.backplane.vsync.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.backplane.vsync.api.Delivery;
import org.backplane.vsync.api.Group;
import org.backplane.vsync.api.GroupListener;
import org.backplane.vsync.api.Ordering;
import org.backplane.vsync.api.ReplyMode;

/**
 * Delivery delay of a single multicast in a quiet group, on the simulator's virtual clock with a
 * fixed link delay (PROTOCOL-NOTES §2.4): a CBCAST reaches the others after one link delay, an
 * ABCAST after about two (data to the sequencer, its order record back), whoever sends it. The
 * link delay is set far from the tick interval so that a delivery waiting for a timer tick (a
 * batch or a report sent only on the tick) shows up as a tick's worth of extra delay. Not a timed
 * test: virtual time, fixed seed, the same run every time.
 */
@Timeout(60)
class QuietGroupLatencyTest {

    private static final long SEED = 5;
    private static final long LINK_NS = Duration.ofMillis(1).toNanos();
    /** The sim's tick is 5 ms: anything that waited for one would be late by up to that. */
    private static final long SLACK_NS = Duration.ofMillis(1).toNanos() / 2;

    private static final class Clocked implements GroupListener {
        final SimNetwork net;
        final List<Long> deliveredAtNs = new ArrayList<>();

        Clocked(SimNetwork net) {
            this.net = net;
        }

        @Override
        public void onDeliver(Delivery d) {
            deliveredAtNs.add(net.nowNs());
        }
    }

    private record Group3(SimNetwork net, List<Group> groups, List<Clocked> apps) {
    }

    private static Group3 quietGroup() {
        SimNetwork net = SimNetwork.builder(SEED).delay(Duration.ofNanos(LINK_NS), Duration.ofNanos(LINK_NS)).build();
        List<Group> groups = new ArrayList<>();
        List<Clocked> apps = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            SimProcess p = net.start("n" + i);
            Clocked app = new Clocked(net);
            apps.add(app);
            groups.add(p.join("g", app));
            net.runFor(Duration.ofMillis(300));
        }
        assertTrue(net.runUntil(() -> groups.stream().allMatch(g -> g.view() != null && g.view().size() == 3),
                Duration.ofSeconds(5)), "all three in one view (seed " + SEED + ")");
        net.runFor(Duration.ofSeconds(1)); // quiet: state transfer, acks and stability settled
        return new Group3(net, groups, apps);
    }

    /** Sends one message from {@code sender} and returns each member's delivery delay in ns. */
    private static long[] delays(Group3 g, int sender, boolean abcast) {
        for (Clocked a : g.apps()) {
            a.deliveredAtNs.clear();
        }
        long sentAt = g.net().nowNs();
        if (abcast) {
            g.groups().get(sender).abcast(new byte[] {1});
        } else {
            g.groups().get(sender).cbcast(new byte[] {1});
        }
        assertTrue(g.net().runUntil(() -> g.apps().stream().allMatch(a -> !a.deliveredAtNs.isEmpty()), Duration.ofSeconds(1)),
                "delivered everywhere (seed " + SEED + ")");
        long[] out = new long[3];
        for (int i = 0; i < 3; i++) {
            assertEquals(1, g.apps().get(i).deliveredAtNs.size());
            out[i] = g.apps().get(i).deliveredAtNs.get(0) - sentAt;
        }
        g.net().runFor(Duration.ofMillis(100)); // quiet again
        return out;
    }

    private static void assertAbout(long expectedNs, long actualNs, String what) {
        assertTrue(actualNs >= expectedNs - SLACK_NS && actualNs <= expectedNs + SLACK_NS,
                what + ": " + actualNs / 1000 + " us, expected about " + expectedNs / 1000 + " us (seed " + SEED + ")");
    }

    @Test
    void anAbcastFromAMemberOtherThanTheSequencerTakesTwoLinkDelaysEverywhere() {
        Group3 g = quietGroup();
        int sequencer = 0; // the oldest member orders
        for (int sender = 1; sender < 3; sender++) {
            long[] d = delays(g, sender, true);
            for (int i = 0; i < 3; i++) {
                long expected = i == sequencer ? LINK_NS : 2 * LINK_NS;
                assertAbout(expected, d[i], "ABCAST from n" + sender + " at n" + i);
            }
        }
    }

    @Test
    void anAbcastFromTheSequencerTakesOneLinkDelayAtTheOthers() {
        Group3 g = quietGroup();
        long[] d = delays(g, 0, true);
        assertAbout(0, d[0], "ABCAST from the sequencer at itself");
        assertAbout(LINK_NS, d[1], "ABCAST from the sequencer at n1");
        assertAbout(LINK_NS, d[2], "ABCAST from the sequencer at n2");
    }

    @Test
    void aCbcastTakesOneLinkDelay() {
        Group3 g = quietGroup();
        long[] d = delays(g, 1, false);
        assertAbout(0, d[1], "CBCAST at its sender");
        assertAbout(LINK_NS, d[0], "CBCAST at n0");
        assertAbout(LINK_NS, d[2], "CBCAST at n2");
    }

    @Test
    void aSafeAbcastWaitsForOneRoundOfReceiptReportsNotForATimer() {
        Group3 g = quietGroup();
        // data to all (1), order back (2), every member's receipt report of data and order
        // reaches every other member (3): safe delivery at about three link delays
        long[] d = delaysSafe(g, 1);
        for (int i = 0; i < 3; i++) {
            assertTrue(d[i] <= 3 * LINK_NS + SLACK_NS, "safe ABCAST from n1 at n" + i + ": " + d[i] / 1000 + " us (seed " + SEED + ")");
        }
    }

    private static long[] delaysSafe(Group3 g, int sender) {
        for (Clocked a : g.apps()) {
            a.deliveredAtNs.clear();
        }
        long sentAt = g.net().nowNs();
        g.groups().get(sender).multicast(Ordering.ABCAST, new byte[] {1}, ReplyMode.NONE, true);
        assertTrue(g.net().runUntil(() -> g.apps().stream().allMatch(a -> !a.deliveredAtNs.isEmpty()), Duration.ofSeconds(1)),
                "delivered everywhere (seed " + SEED + ")");
        long[] out = new long[3];
        for (int i = 0; i < 3; i++) {
            out[i] = g.apps().get(i).deliveredAtNs.get(0) - sentAt;
        }
        return out;
    }
}
