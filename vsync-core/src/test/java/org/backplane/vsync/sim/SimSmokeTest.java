package org.backplane.vsync.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.backplane.vsync.api.Group;
import org.backplane.vsync.check.History;
import org.backplane.vsync.check.HistoryChecker;

@Timeout(60)
class SimSmokeTest {

    @Test
    void processesInSeveralGroupsShareLinksAndFailureDetection() {
        SimNetwork net = SimNetwork.builder(7).recordHistory().build();
        List<Group> a = new ArrayList<>();
        List<Group> b = new ArrayList<>();
        List<SimProcess> ps = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            SimProcess p = net.start("n" + i);
            ps.add(p);
            DigestApp appA = new DigestApp("a", net.history(), 0);
            appA.self = p.id();
            DigestApp appB = new DigestApp("b", net.history(), 0);
            appB.self = p.id();
            a.add(p.join("a", appA));
            b.add(p.join("b", appB));
            net.runFor(Duration.ofMillis(300));
        }
        assertTrue(net.runUntil(() -> a.stream().allMatch(g -> g.view() != null && g.view().size() == 4)
                && b.stream().allMatch(g -> g.view() != null && g.view().size() == 4), Duration.ofSeconds(5)));
        for (int k = 0; k < 10; k++) {
            for (int i = 0; i < 4; i++) {
                a.get(i).abcast(new byte[] {(byte) k});
                b.get(i).cbcast(new byte[] {(byte) k});
            }
        }
        net.runFor(Duration.ofMillis(20));
        net.crash("n3");
        assertTrue(net.runUntil(() -> a.get(0).view().size() == 3 && b.get(0).view().size() == 3, Duration.ofSeconds(3)),
                "one failure detector drops the crashed process from both groups");
        net.runFor(Duration.ofMillis(500));
        HistoryChecker.Result r = new HistoryChecker(true).check(net.history().events());
        assertEquals(2, r.groups());
        assertTrue(r.ok(), r.describe("seed 7"));
    }

    @Test
    void aReplyWaitEndsThroughTheViewChangeWhenAMemberFailsBeforeReplying() {
        SimNetwork net = SimNetwork.builder(11).recordHistory().build();
        List<Group> gs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            SimProcess p = net.start("n" + i);
            DigestApp app = new DigestApp("g", net.history(), 0);
            app.self = p.id();
            gs.add(p.join("g", app));
            net.runFor(Duration.ofMillis(300));
        }
        assertTrue(net.runUntil(() -> gs.stream().allMatch(g -> g.view() != null && g.view().size() == 3), Duration.ofSeconds(5)));
        net.pause("n2"); // it will never deliver, hence never reply
        java.util.concurrent.CompletableFuture<org.backplane.vsync.api.Replies> f =
                gs.get(0).abcast(new byte[] {1}, org.backplane.vsync.api.ReplyMode.ALL);
        net.runFor(Duration.ofMillis(50));
        assertTrue(!f.isDone(), "still waiting for the paused member");
        assertTrue(net.runUntil(f::isDone, Duration.ofSeconds(3)), "the view change that drops it ends the wait");
        org.backplane.vsync.api.Replies r = f.join();
        assertEquals(2, r.replies().size());
        assertEquals(List.of(net.process("n2").id()), r.departed());
    }

    @Test
    void threeMembersJoinAndAgreeOnAbcastOrder() {
        SimNetwork net = SimNetwork.builder(42).recordHistory().build();
        History hist = net.history();
        List<Group> groups = new ArrayList<>();
        List<DigestApp> apps = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            SimProcess p = net.start("n" + i);
            DigestApp app = new DigestApp("g", hist, 100);
            app.self = p.id();
            apps.add(app);
            groups.add(p.join("g", app));
            net.runFor(Duration.ofMillis(400));
        }
        assertTrue(net.runUntil(() -> groups.stream().allMatch(g -> g.view() != null && g.view().size() == 3),
                Duration.ofSeconds(5)), "all three in one view");
        for (int k = 0; k < 20; k++) {
            for (Group g : groups) {
                g.abcast(new byte[] {(byte) k});
                g.cbcast(new byte[] {(byte) k, 1});
            }
        }
        net.runFor(Duration.ofSeconds(1));
        HistoryChecker.Result r = new HistoryChecker(true).check(hist.events());
        System.out.println(r.describe("seed 42"));
        assertTrue(r.ok(), r.describe("seed 42"));
        assertEquals(120, apps.get(0).applied);
        assertEquals(apps.get(0).digest, apps.get(2).digest);
    }
}
