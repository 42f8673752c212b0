package org.backplane.vsync.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.backplane.vsync.api.Group;
import org.backplane.vsync.api.MessageId;
import org.backplane.vsync.check.HistoryChecker;
import org.backplane.vsync.check.HistoryEvent;
import org.backplane.vsync.membership.GroupMember;

/** The flush's failure cases, staged exactly rather than found by random schedules. */
@Timeout(60)
class FlushScenariosTest {

    private final List<Group> groups = new ArrayList<>();

    private SimNetwork group(long seed, int n) {
        SimNetwork net = SimNetwork.builder(seed).recordHistory().build();
        for (int i = 0; i < n; i++) {
            SimProcess p = net.start("n" + i);
            DigestApp app = new DigestApp("g", net.history(), 0);
            app.self = p.id();
            groups.add(p.join("g", app));
            net.runFor(Duration.ofMillis(300));
        }
        assertTrue(net.runUntil(() -> groups.stream().allMatch(g -> g.view() != null && g.view().size() == n),
                Duration.ofSeconds(5)), "all " + n + " in one view");
        return net;
    }

    private static List<String> deliverers(SimNetwork net, MessageId id) {
        List<String> out = new ArrayList<>();
        for (HistoryEvent e : net.history().events()) {
            if (e.kind() == HistoryEvent.Kind.DELIVER && e.id().equals(id)) {
                out.add(e.process().node());
            }
        }
        return out;
    }

    private static void assertHistoryOk(SimNetwork net) {
        assertHistoryOk(net, true);
    }

    private static void assertHistoryOk(SimNetwork net, boolean quietEnd) {
        HistoryChecker.Result r = new HistoryChecker(quietEnd).check(net.history().events());
        assertTrue(r.ok(), r.describe("seed " + net.seed()));
    }

    @Test
    void survivorsDeliverSameSetWhenSenderCrashesMidMulticast() {
        SimNetwork net = group(21, 4);
        // n3's multicast reaches n0 only: its links to n1 and n2 are cut while it is on the wire.
        net.breakLink("n3", "n1");
        net.breakLink("n3", "n2");
        groups.get(3).cbcast(new byte[] {42});
        net.runFor(Duration.ofMillis(20));
        net.crash("n3");
        net.healLink("n3", "n1");
        net.healLink("n3", "n2");
        assertTrue(net.runUntil(() -> groups.get(0).view().size() == 3 && groups.get(1).view().size() == 3
                && groups.get(2).view().size() == 3, Duration.ofSeconds(3)));
        List<String> got = deliverers(net, findSent(net, "n3"));
        assertTrue(got.containsAll(List.of("n0", "n1", "n2")), "every survivor delivers it: " + got);
        net.runFor(Duration.ofMillis(300));
        assertHistoryOk(net);
    }

    @Test
    void aNewLeaderFinishesTheFlushWhenTheCoordinatorCrashesInIt() {
        SimNetwork net = group(22, 5);
        for (Group g : groups) {
            g.abcast(new byte[] {1});
        }
        net.runFor(Duration.ofMillis(3));
        net.crash("n4");
        GroupMember coordinator = net.process("n0").node().group("g");
        assertTrue(net.runUntil(coordinator::wedged, Duration.ofSeconds(2)), "the coordinator starts the flush");
        net.runFor(Duration.ofMillis(2));
        net.crash("n0");
        assertTrue(net.runUntil(() -> groups.subList(1, 4).stream().allMatch(g -> g.view().size() == 3
                && g.view().coordinator().node().equals("n1")), Duration.ofSeconds(3)),
                "n1, the next in rank, completes a view without n0 and n4");
        net.runFor(Duration.ofMillis(300));
        assertHistoryOk(net);
    }

    @Test
    void aMinorityStopsDeliveringAndTheMajorityGoesOn() {
        SimNetwork net = group(23, 5);
        net.partition(java.util.Set.of("n0", "n1"));
        assertTrue(net.runUntil(() -> groups.get(2).view().size() == 3, Duration.ofSeconds(3)), "majority side re-forms");
        groups.get(0).abcast(new byte[] {7});
        groups.get(2).abcast(new byte[] {8});
        net.runFor(Duration.ofMillis(300));
        assertEquals(5, groups.get(0).view().size(), "the minority installs nothing");
        List<String> got = deliverers(net, findSent(net, "n0", 2));
        assertTrue(got.stream().noneMatch(x -> x.equals("n0") || x.equals("n1")), "the minority does not deliver: " + got);
        assertHistoryOk(net, false); // the partition is still up: no liveness check
        net.healPartition();
        assertTrue(net.runUntil(() -> net.process("n0").node().group("g").status() == GroupMember.Status.EXCLUDED, Duration.ofSeconds(3)),
                "after the heal the minority learns it was excluded");
    }

    private static MessageId findSent(SimNetwork net, String node) {
        return findSent(net, node, 1);
    }

    /** The {@code nth} message {@code node} sent. */
    private static MessageId findSent(SimNetwork net, String node, int nth) {
        int k = 0;
        MessageId last = null;
        for (HistoryEvent e : net.history().events()) {
            if (e.kind() == HistoryEvent.Kind.SEND && e.process().node().equals(node)) {
                last = e.id();
                if (++k == nth) {
                    return e.id();
                }
            }
        }
        return last;
    }
}
