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
