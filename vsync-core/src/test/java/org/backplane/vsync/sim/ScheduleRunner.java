package org.backplane.vsync.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

import org.backplane.vsync.api.Group;
import org.backplane.vsync.api.Ordering;
import org.backplane.vsync.api.Replies;
import org.backplane.vsync.api.ReplyMode;
import org.backplane.vsync.api.View;
import org.backplane.vsync.check.HistoryChecker;
import org.backplane.vsync.membership.Breakage;
import org.backplane.vsync.membership.GroupMember;

/**
 * One seeded random schedule (PROTOCOL-NOTES §8.3): 3 to 5 processes join a group, every member
 * multicasts a random mix (CBCAST, ABCAST, safe, with reply modes), and faults are injected at
 * random times: a sender crashed mid-multicast, the coordinator crashed mid-flush, a join
 * concurrent with a failure, minority and majority partitions, pauses longer (and shorter) than
 * the failure timeout, broken links, clean leaves. Crashed and excluded processes come back as new
 * incarnations. At the end every fault is healed and the group gets quiet time; then the history
 * is checked against V1-V11 (with the liveness half of V7), and every multicast future of a live
 * member must have completed. Everything is a function of the seed.
 */
final class ScheduleRunner {

    /** Fault kinds. */
    enum Fault {
        SENDER_CRASH_MID_MULTICAST,
        COORDINATOR_CRASH_MID_FLUSH,
        JOIN_WITH_FAILURE,
        MINORITY_PARTITION,
        MAJORITY_PARTITION,
        LONG_PAUSE,
        SHORT_PAUSE,
        LINK_BREAK,
        LEAVE
    }

    /** What a schedule did and found. */
    record Outcome(long seed, Map<Fault, Integer> faults, HistoryChecker.Result result, List<String> problems, long events) {
        int faultCount() {
            return faults.values().stream().mapToInt(Integer::intValue).sum();
        }

        boolean ok() {
            return result.ok() && problems.isEmpty();
        }

        String describe() {
            StringBuilder b = new StringBuilder("seed " + seed + " faults " + faults + "\n");
            for (String p : problems) {
                b.append("  ").append(p).append('\n');
            }
            b.append(result.describe("-Dseed=" + seed));
            return b.toString();
        }
    }

    private static final String GROUP = "g";
    private static final Duration LOAD = Duration.ofMillis(2000);
    private static final Duration QUIET = Duration.ofMillis(1500);

    private final long seed;
    private final Breakage breakage;
    private final SimNetwork net;
    private final SplittableRandom rnd;
    private final Map<String, DigestApp> apps = new LinkedHashMap<>();
    private final Map<String, Group> groups = new LinkedHashMap<>();
    private final Map<Fault, Integer> faults = new EnumMap<>(Fault.class);
    private final List<String> problems = new ArrayList<>();
    private final List<Pending> futures = new ArrayList<>();
    private final List<String> names = new ArrayList<>();
    private int nextName;
    private boolean loadOn = true;
    private long lastFaultSpanNs;

    private record Pending(String node, long incarnation, CompletableFuture<Replies> future, String what) {
    }

    /** The harness version: 1 as the first 2,000-seed suite ran; 2 adds the overlapping-fault gate. */
    static final int LATEST = 2;

    private final int version;
    private long faultActiveUntilNs;

    ScheduleRunner(long seed, Breakage breakage) {
        this(seed, breakage, LATEST);
    }

    /**
     * @param version the harness version to replay (pinned seeds name the one they were found
     *                with, so they replay exactly the schedule that failed)
     */
    ScheduleRunner(long seed, Breakage breakage, int version) {
        this.version = version;
        this.seed = seed;
        this.breakage = breakage;
        this.net = SimNetwork.builder(seed).recordHistory().breakage(breakage).build();
        this.rnd = net.random().split();
    }

    long simNs;
    long checkNs;

    Outcome run() {
        long t0 = System.nanoTime();
        try {
            script();
        } catch (RuntimeException e) {
            java.io.StringWriter w = new java.io.StringWriter();
            e.printStackTrace(new java.io.PrintWriter(w));
            problems.add("engine threw at " + net.nowNs() / 1_000_000 + " ms: " + w);
        }
        long t1 = System.nanoTime();
        HistoryChecker.Result r = new HistoryChecker(problems.isEmpty()).check(net.history().events());
        simNs = t1 - t0;
        checkNs = System.nanoTime() - t1;
        return new Outcome(seed, faults, r, problems, net.eventsRun());
    }

    private void script() {
        int n = 3 + rnd.nextInt(3);
        for (int i = 0; i < n; i++) {
            startNode(newName());
            net.runFor(Duration.ofMillis(rnd.nextInt(60)));
        }
        net.runUntil(this::settled, Duration.ofSeconds(3));
        long loadEnd = net.nowNs() + LOAD.toNanos();
        int faultCount = 1 + rnd.nextInt(4);
        List<Long> at = new ArrayList<>();
        for (int i = 0; i < faultCount; i++) {
            at.add(net.nowNs() + 100_000_000L + rnd.nextLong(LOAD.toNanos() - 400_000_000L));
        }
        at.sort(null);
        int next = 0;
        while (net.nowNs() < loadEnd) {
            if (next < at.size() && net.nowNs() >= at.get(next)) {
                next++;
                // Version 2: no new fault while an earlier one is still in effect. Two overlapping
                // faults can leave a two-member view whose survivor never regains a majority (the
                // primary is lost by design; PROTOCOL-NOTES §4.2), which says nothing about the engine.
                boolean quiet = version < 2 || net.nowNs() >= faultActiveUntilNs;
                if (settled() && quiet) {
                    inject(Fault.values()[rnd.nextInt(Fault.values().length)]);
                    faultActiveUntilNs = net.nowNs() + lastFaultSpanNs + 3 * net.config.failureTimeout().toNanos();
                }
            }
            sendSome();
            restartExcluded();
            net.runFor(Duration.ofMillis(2 + rnd.nextInt(6)));
        }
        loadOn = false;
        net.healAll();
        for (SimProcess p : net.processes()) {
            if (p.paused()) {
                net.resume(p.id().node());
            }
        }
        for (String name : new ArrayList<>(apps.keySet())) {
            if (!net.process(name).alive()) {
                startNode(name);
            }
        }
        long end = net.nowNs() + QUIET.toNanos();
        while (net.nowNs() < end) {
            restartExcluded();
            net.runFor(Duration.ofMillis(20));
        }
        if (!settled()) {
            problems.add("group did not settle in " + QUIET.toMillis() + " ms of quiet: " + describeStates());
        }
        for (Pending p : futures) {
            SimProcess proc = net.process(p.node);
            boolean live = proc != null && proc.alive() && proc.id().incarnation() == p.incarnation
                    && apps.get(p.node) != null && !apps.get(p.node).excluded && !apps.get(p.node).left;
            if (live && !p.future.isDone()) {
                problems.add("multicast future never completed at live member " + p.node + "#" + p.incarnation + ": " + p.what);
                break;
            }
        }
    }

    private String newName() {
        String s = "n" + nextName++;
        names.add(s);
        return s;
    }

    private void startNode(String name) {
        SimProcess p = net.start(name);
        DigestApp app = new DigestApp(GROUP, net.history(), rnd.nextInt(3) * 700);
        app.self = p.id();
        apps.put(name, app);
        groups.put(name, p.join(GROUP, app));
    }

    /** Every running, unpaused process is a member of one common view, not wedged, not awaiting state. */
    private boolean settled() {
        View common = null;
        for (SimProcess p : net.processes()) {
            if (!p.alive()) {
                continue;
            }
            if (p.paused()) {
                return false;
            }
            GroupMember m = p.node().group(GROUP);
            if (m == null) {
                return false;
            }
            if (m.status() == GroupMember.Status.LEFT) {
                continue;
            }
            if (m.status() != GroupMember.Status.MEMBER || m.wedged() || m.awaitingState()) {
                return false;
            }
            if (common == null) {
                common = m.view();
            } else if (!common.equals(m.view())) {
                return false;
            }
        }
        if (common == null) {
            return false;
        }
        for (var id : common.members()) {
            SimProcess p = net.process(id.node());
            if (p == null || !p.id().equals(id) || !p.alive()) {
                return false;
            }
        }
        return true;
    }

    private String describeStates() {
        StringBuilder b = new StringBuilder();
        for (SimProcess p : net.processes()) {
            GroupMember m = p.node().group(GROUP);
            b.append(p).append('=').append(m == null ? "-" : m.status() + " " + m.view() + (m.wedged() ? " wedged" : "")
                    + (m.awaitingState() ? " awaiting-state" : "")).append("; ");
        }
        return b.toString();
    }

    private List<String> members() {
        List<String> out = new ArrayList<>();
        for (SimProcess p : net.processes()) {
            GroupMember m = p.node().group(GROUP);
            if (p.alive() && m != null && m.status() == GroupMember.Status.MEMBER) {
                out.add(p.id().node());
            }
        }
        return out;
    }

    private String coordinator() {
        for (SimProcess p : net.processes()) {
            GroupMember m = p.node().group(GROUP);
            if (p.alive() && m != null && m.status() == GroupMember.Status.MEMBER) {
                return m.view().coordinator().node();
            }
        }
        return null;
    }

    private void sendSome() {
        if (!loadOn) {
            return;
        }
        for (String name : members()) {
            if (rnd.nextInt(3) != 0) {
                continue;
            }
            send(name, 1 + rnd.nextInt(3));
        }
    }

    private void send(String name, int count) {
        Group g = groups.get(name);
        SimProcess p = net.process(name);
        for (int i = 0; i < count; i++) {
            Ordering o = rnd.nextBoolean() ? Ordering.ABCAST : Ordering.CBCAST;
            boolean safe = rnd.nextInt(4) == 0;
            ReplyMode mode = switch (rnd.nextInt(8)) {
                case 0 -> ReplyMode.ALL;
                case 1 -> ReplyMode.QUORUM;
                case 2 -> ReplyMode.ONE;
                default -> ReplyMode.NONE;
            };
            byte[] payload = new byte[1 + rnd.nextInt(24)];
            rnd.nextBytes(payload);
            CompletableFuture<Replies> f = g.multicast(o, payload, mode, safe);
            futures.add(new Pending(name, p.id().incarnation(), f, o + " " + mode + (safe ? " safe" : "")));
        }
    }

    private void restartExcluded() {
        for (String name : new ArrayList<>(apps.keySet())) {
            DigestApp app = apps.get(name);
            SimProcess p = net.process(name);
            if ((app.excluded && p.alive()) || (loadOn && !p.alive() && rnd.nextInt(40) == 0)) {
                if (p.alive()) {
                    net.crash(name);
                }
                startNode(name);
            }
        }
    }

    private void inject(Fault f) {
        lastFaultSpanNs = 0;
        List<String> ms = members();
        if (ms.size() < 3) {
            return;
        }
        faults.merge(f, 1, Integer::sum);
        String victim = ms.get(rnd.nextInt(ms.size()));
        Duration timeout = net.config.failureTimeout();
        switch (f) {
            case SENDER_CRASH_MID_MULTICAST -> {
                send(victim, 1 + rnd.nextInt(4));
                // Crash while the frames are on the wire: some receivers have them, some not.
                net.runFor(Duration.ofNanos(rnd.nextLong(3_000_000)));
                net.crash(victim);
            }
            case COORDINATOR_CRASH_MID_FLUSH -> {
                String coord = coordinator();
                send(coord, 2);
                if (ms.size() >= 5) {
                    // A failure starts the flush; the coordinator then fails too (3 of 5 remain).
                    String other = ms.stream().filter(x -> !x.equals(coord)).findFirst().orElseThrow();
                    net.crash(other);
                } else {
                    // A join starts the flush (crashing two of four or fewer would lose the primary).
                    startNode(newName());
                }
                GroupMember cm = net.process(coord).node().group(GROUP);
                net.runUntil(cm::wedged, Duration.ofSeconds(1));
                net.runFor(Duration.ofNanos(rnd.nextLong(12_000_000)));
                send(coord, 1);
                net.crash(coord);
            }
            case JOIN_WITH_FAILURE -> {
                startNode(newName());
                net.runFor(Duration.ofMillis(rnd.nextInt(40)));
                net.crash(victim);
            }
            case MINORITY_PARTITION, MAJORITY_PARTITION -> {
                List<String> shuffled = new ArrayList<>(ms);
                java.util.Collections.shuffle(shuffled, new java.util.Random(rnd.nextLong()));
                int minority = (shuffled.size() - 1) / 2;
                Set<String> side = Set.copyOf(shuffled.subList(0, Math.max(1, minority)));
                net.partition(side);
                long ms0 = f == Fault.MINORITY_PARTITION ? timeout.toMillis() * 3 : timeout.toMillis() / 2;
                long healMs = ms0 + rnd.nextInt(100);
                lastFaultSpanNs = healMs * 1_000_000;
                net.schedule(Duration.ofMillis(healMs), net::healPartition);
            }
            case LONG_PAUSE -> {
                net.pause(victim);
                Duration pause = timeout.multipliedBy(2).plusMillis(rnd.nextInt(200));
                lastFaultSpanNs = pause.toNanos();
                net.schedule(pause, () -> net.resume(victim));
            }
            case SHORT_PAUSE -> {
                net.pause(victim);
                net.schedule(Duration.ofMillis(rnd.nextLong(timeout.toMillis() / 2)), () -> net.resume(victim));
            }
            case LINK_BREAK -> {
                String other = ms.get(rnd.nextInt(ms.size()));
                if (!other.equals(victim)) {
                    net.breakLink(victim, other);
                    long d = rnd.nextBoolean() ? timeout.toMillis() / 3 : timeout.toMillis() * 2;
                    long healMs = d + rnd.nextInt(50);
                    lastFaultSpanNs = healMs * 1_000_000;
                    net.schedule(Duration.ofMillis(healMs), () -> net.healLink(victim, other));
                }
            }
            case LEAVE -> {
                send(victim, 2);
                groups.get(victim).leave();
                // A node that left may come back later as a new incarnation.
                net.schedule(Duration.ofMillis(300 + rnd.nextInt(300)), () -> {
                    if (loadOn && apps.get(victim).left) {
                        net.crash(victim);
                        startNode(victim);
                    }
                });
            }
        }
    }
}
