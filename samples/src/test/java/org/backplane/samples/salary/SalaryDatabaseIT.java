package org.backplane.samples.salary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.backplane.vsync.api.VsyncConfig;

/** Three replicas on loopback under a steady stream of updates; one crashes, a new one joins. */
@Timeout(120)
class SalaryDatabaseIT {

    private final List<SalaryDatabase> all = new ArrayList<>();

    @AfterEach
    void stop() {
        for (SalaryDatabase r : all) {
            r.close();
        }
    }

    @Test
    void replicaCrashAndNewReplicaUnderLoadLeaveEveryReplicaWithTheSameTable() throws Exception {
        VsyncConfig cfg = VsyncConfig.DEFAULTS.withFailureDetection(Duration.ofMillis(100), Duration.ofMillis(1500));
        SalaryDatabase r1 = SalaryDatabase.start("r1", 0, List.of(), cfg);
        all.add(r1);
        r1.ready().get(30, TimeUnit.SECONDS);
        List<InetSocketAddress> seed = List.of(r1.address());
        SalaryDatabase r2 = SalaryDatabase.start("r2", 0, seed, cfg);
        SalaryDatabase r3 = SalaryDatabase.start("r3", 0, seed, cfg);
        all.add(r2);
        all.add(r3);
        r2.ready().get(30, TimeUnit.SECONDS);
        r3.ready().get(30, TimeUnit.SECONDS);

        // Load: raises through r1 and r3 (the replicas that stay) for the whole test.
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong raised = new AtomicLong();
        List<CompletableFuture<?>> pending = new ArrayList<>();
        Thread load = new Thread(() -> {
            int k = 0;
            while (running.get()) {
                SalaryDatabase via = (k++ % 2 == 0) ? r1 : r3;
                synchronized (pending) {
                    pending.add(via.raise("emp" + (k % 20), 10));
                }
                raised.incrementAndGet();
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        load.start();
        Thread.sleep(800);

        r2.close(); // crash: no leave
        Thread.sleep(300);
        SalaryDatabase r4 = SalaryDatabase.start("r4", 0, seed, cfg);
        all.add(r4);
        r4.ready().get(30, TimeUnit.SECONDS);
        Thread.sleep(800);
        running.set(false);
        load.join();
        synchronized (pending) {
            CompletableFuture.allOf(pending.toArray(new CompletableFuture[0])).get(30, TimeUnit.SECONDS);
        }

        List<SalaryDatabase> live = List.of(r1, r3, r4);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline && !live.stream().allMatch(r -> r.snapshot().equals(r1.snapshot()))) {
            Thread.sleep(20);
        }
        Map<String, Long> table = r1.snapshot();
        long total = table.values().stream().mapToLong(Long::longValue).sum();
        assertEquals(raised.get() * 10, total, "every acknowledged raise is applied exactly once");
        for (SalaryDatabase r : live) {
            assertEquals(table, r.snapshot(), r.id() + " has the same table");
        }
        assertTrue(r4.lastView().view().size() == 3, "the new replica is in a view of three: " + r4.lastView().view());
        assertTrue(r4.query("emp1").isPresent(), "the new replica answers queries");
    }
}
