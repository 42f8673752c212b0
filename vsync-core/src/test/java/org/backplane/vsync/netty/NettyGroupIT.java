package org.backplane.vsync.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.backplane.vsync.api.Group;
import org.backplane.vsync.api.Replies;
import org.backplane.vsync.api.ReplyMode;
import org.backplane.vsync.api.VsyncConfig;
import org.backplane.vsync.api.VsyncNode;
import org.backplane.vsync.check.History;
import org.backplane.vsync.check.HistoryChecker;

/** Engines over real TCP on loopback, in one JVM: the same protocol code as in simulation. */
@Timeout(120)
class NettyGroupIT {

    static final VsyncConfig CONFIG = VsyncConfig.DEFAULTS
            .withFailureDetection(Duration.ofMillis(100), Duration.ofMillis(2000))
            .withIntervals(Duration.ofMillis(1), Duration.ofMillis(1), Duration.ofMillis(20),
                    Duration.ofMillis(100), Duration.ofMillis(600))
            .withStateChunks(4096, 4);

    private final List<VsyncNode> nodes = new ArrayList<>();

    @AfterEach
    void close() {
        for (VsyncNode n : nodes) {
            n.close();
        }
    }

    static void await(BooleanSupplier cond, Duration max, String what) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void aSlowReceiverSlowsTheSenderInsteadOfQueueingWithoutBound() throws Exception {
        VsyncConfig cfg = CONFIG.withSendWindow(64);
        java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicLong received = new java.util.concurrent.atomic.AtomicLong();
        VsyncNode a = VsyncNode.builder("slow-a").config(cfg).start();
        nodes.add(a);
        Group ga = a.join("w", d -> { });
        ga.joined().get(10, TimeUnit.SECONDS);
        VsyncNode b = VsyncNode.builder("slow-b").config(cfg).seeds(List.of(a.boundAddress())).start();
        nodes.add(b);
        Group gb = b.join("w", d -> {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            received.incrementAndGet();
        });
        gb.joined().get(10, TimeUnit.SECONDS);
        await(() -> ga.view() != null && ga.view().size() == 2, Duration.ofSeconds(10), "two members");
        java.util.concurrent.atomic.AtomicLong handedOver = new java.util.concurrent.atomic.AtomicLong();
        Thread sender = new Thread(() -> {
            for (int i = 0; i < 2000; i++) {
                ga.cbcast(new byte[100]);
                handedOver.incrementAndGet();
            }
        });
        sender.start();
        Thread.sleep(1500);
        // The receiver's listener is stuck: the sender may be ahead by its window and the
        // receiver's backlog allowance, not by everything it wants to send.
        assertTrue(handedOver.get() < 400, "sender was held back, handed over " + handedOver.get());
        assertEquals(Thread.State.WAITING, sender.getState(), "the sender blocks on the window");
        gate.countDown();
        sender.join(30_000);
        await(() -> received.get() == 2000, Duration.ofSeconds(30), "all 2000 delivered once the receiver catches up");
    }

    @Test
    void threeNodesOverTcpAgreeAndAJoinerGetsTheState() throws Exception {
        History history = new History(System::nanoTime);
        List<DigestListener> apps = new ArrayList<>();
        List<Group> groups = new ArrayList<>();
        InetSocketAddress first = null;
        for (int i = 0; i < 3; i++) {
            VsyncNode.Builder b = VsyncNode.builder("n" + i).config(CONFIG).recorder(history);
            if (first != null) {
                b.seeds(List.of(first));
            }
            VsyncNode n = b.start();
            nodes.add(n);
            if (first == null) {
                first = n.boundAddress();
            }
            DigestListener app = new DigestListener("g", history, 20_000, line -> { });
            app.node = n;
            apps.add(app);
            groups.add(n.join("g", app));
            groups.get(i).joined().get(10, TimeUnit.SECONDS);
        }
        await(() -> groups.stream().allMatch(g -> g.view() != null && g.view().size() == 3), Duration.ofSeconds(10), "3 members");

        List<CompletableFuture<Replies>> fs = new ArrayList<>();
        for (int k = 0; k < 300; k++) {
            for (Group g : groups) {
                fs.add(g.abcast(new byte[] {(byte) k}));
                fs.add(g.cbcast(new byte[] {(byte) k, 2}));
            }
        }
        Replies all = groups.get(1).abcast(new byte[] {9}, ReplyMode.ALL).get(10, TimeUnit.SECONDS);
        assertEquals(3, all.replies().size(), "ALL collects a reply from each member");
        CompletableFuture.allOf(fs.toArray(new CompletableFuture[0])).get(20, TimeUnit.SECONDS);

        VsyncNode late = VsyncNode.builder("n3").config(CONFIG).recorder(history).seeds(List.of(first)).start();
        nodes.add(late);
        DigestListener lateApp = new DigestListener("g", history, 20_000, line -> { });
        lateApp.node = late;
        Group lateGroup = late.join("g", lateApp);
        lateGroup.joined().get(10, TimeUnit.SECONDS);
        for (int k = 0; k < 50; k++) {
            groups.get(k % 3).abcast(new byte[] {(byte) k});
        }
        long expected = 3 * 600 + 1 + 50;
        await(() -> apps.stream().allMatch(a -> a.applied == expected) && lateApp.applied == expected,
                Duration.ofSeconds(20), "every member to apply " + expected);
        assertEquals(apps.get(0).digest, lateApp.digest, "the joiner's state plus its deliveries equal the others'");

        HistoryChecker.Result r = new HistoryChecker(false).check(history.events());
        System.out.println(r.describe("(netty run)"));
        assertTrue(r.ok(), r.describe("(netty run)"));
    }
}
