package org.backplane.samples.salary;

import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.backplane.vsync.api.VsyncConfig;

/**
 * The paper's Figures 10 and 11 as one runnable program: three replicas of the salary database on
 * loopback, updates by ABCAST through different replicas, queries answered by each replica, one
 * replica crashed, a new one started that receives the table by state transfer and answers
 * queries at once.
 *
 * <pre>java -cp samples/target/samples-0.1.0-SNAPSHOT.jar org.backplane.samples.salary.SalaryDemo</pre>
 */
public final class SalaryDemo {

    private SalaryDemo() {
    }

    /** Runs the demo on standard output; exits 0 when every replica agrees, 1 otherwise. */
    public static void main(String[] args) throws Exception {
        PrintWriter out = new PrintWriter(System.out, true);
        boolean agree = run(out);
        out.flush();
        System.exit(agree ? 0 : 1);
    }

    /**
     * Runs the demo in this process (replicas on loopback, free ports), printing each step to
     * {@code out}; returns true when every replica agrees at the end. Used by {@code bus demo salary}.
     * Calling thread only; every replica is closed before it returns.
     */
    public static boolean run(PrintWriter out) throws Exception {
        List<SalaryDatabase> replicas = new ArrayList<>();
        try {
            VsyncConfig cfg = VsyncConfig.DEFAULTS.withFailureDetection(Duration.ofMillis(100), Duration.ofMillis(1000));
            SalaryDatabase first = SalaryDatabase.start("replica-1", 0, List.of(), cfg);
            first.ready().get(30, TimeUnit.SECONDS);
            replicas.add(first);
            List<InetSocketAddress> seed = List.of(first.address());
            for (int i = 2; i <= 3; i++) {
                SalaryDatabase r = SalaryDatabase.start("replica-" + i, 0, seed, cfg);
                r.ready().get(30, TimeUnit.SECONDS);
                replicas.add(r);
            }
            say(out, "three replicas up: " + replicas.get(2).lastView().view());

            replicas.get(0).update("alice", 120_000).get();
            replicas.get(1).update("bob", 95_000).get();
            replicas.get(2).update("carol", 101_500).get();
            for (int k = 0; k < 10; k++) {
                replicas.get(k % 3).raise("bob", 1_000).get(); // concurrent-safe: ABCAST orders them everywhere
            }
            // A query is answered locally from the updates this replica has applied so far: a replica
            // may still be a few updates behind the one that sent the last raise, never out of order.
            say(out, "13 updates sent; each replica answers from what it has applied so far:");
            for (SalaryDatabase r : replicas) {
                say(out, r.id() + " has applied " + r.applied() + ", says bob earns " + r.query("bob").orElse(-1)
                        + ", table " + r.snapshot());
            }

            SalaryDatabase crashed = replicas.remove(1);
            say(out, "crashing " + crashed.id());
            crashed.close();
            replicas.get(0).raise("alice", 5_000).get();

            SalaryDatabase fresh = SalaryDatabase.start("replica-4", 0, seed, cfg);
            fresh.ready().get(30, TimeUnit.SECONDS);
            replicas.add(fresh);
            fresh.update("dave", 88_000).get();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline && !agree(replicas)) {
                Thread.sleep(20);
            }
            for (SalaryDatabase r : replicas) {
                say(out, r.id() + " (view " + r.lastView().view().id() + ") table " + r.snapshot());
            }
            boolean agree = agree(replicas);
            say(out, agree ? "all replicas agree; the new replica got the table by state transfer"
                    : "REPLICAS DISAGREE");
            return agree;
        } finally {
            for (SalaryDatabase r : replicas) {
                r.close();
            }
        }
    }

    private static boolean agree(List<SalaryDatabase> replicas) {
        return replicas.stream().allMatch(r -> r.snapshot().equals(replicas.get(0).snapshot()));
    }

    private static void say(PrintWriter out, String s) {
        out.println("[salary] " + s);
    }
}
