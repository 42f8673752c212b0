package org.backplane.vsync.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;

import org.backplane.vsync.api.MemberId;
import org.backplane.vsync.api.Ordering;
import org.backplane.vsync.api.ReplyMode;
import org.backplane.vsync.api.View;
import org.backplane.vsync.membership.Breakage;
import org.backplane.vsync.membership.GroupMember;

/**
 * Generates one seeded random schedule (PROTOCOL-NOTES §8.3) and runs it through a
 * {@link SimHarness}, which writes every action to a {@link ScheduleScript}: 3 to 5 processes join
 * a group, every member multicasts a random mix (CBCAST, ABCAST, safe, with reply modes), and
 * faults are injected at random times. Crashed and excluded processes come back as new
 * incarnations; at the end every fault is healed and the group gets quiet time, then the checks
 * run. Everything is a function of the seed and the harness version.
 *
 * <p>Harness versions (a seed names a schedule of one version; every version stays here so old
 * seeds still generate what they generated, and a failing schedule is also stored as a script):
 * <ul>
 * <li>1: faults only when the group is settled (the first 2,000-seed suite and the first soak);</li>
 * <li>2: as 1, and no fault while an earlier one is in effect (overlap removed);</li>
 * <li>3: overlapping faults: faults land whenever they are due, also during the view change an
 *     earlier one caused (a crash, a partition, the coordinator's crash inside its flush),
 *     together with joins (several joiners and crashes at once); victims are chosen so that a
 *     majority of the newest view usually stays healthy, but one fault in ten ignores that and may
 *     take the primary away for good (the run is then checked for safety and for the minority
 *     stopping and saying so, not for liveness).</li>
 * </ul>
 */
final class ScheduleRunner {

    /** Fault kinds; the first nine are those of harness versions 1 and 2, in their order. */
    enum Fault {
        SENDER_CRASH_MID_MULTICAST,
        COORDINATOR_CRASH_MID_FLUSH,
        JOIN_WITH_FAILURE,
        MINORITY_PARTITION,
        MAJORITY_PARTITION,
        LONG_PAUSE,
        SHORT_PAUSE,
        LINK_BREAK,
        LEAVE,
        CRASH_DURING_VIEW_CHANGE,
        PARTITION_DURING_VIEW_CHANGE,
        CONCURRENT_JOINS_AND_FAILURES
    }

    private static final int LEGACY_FAULT_KINDS = 9;

    /** The current harness version. */
    static final int LATEST = 3;

    private static final Duration LOAD = Duration.ofMillis(2000);
    private static final Duration QUIET = Duration.ofMillis(1500);

    private final long seed;
    private final int version;
    private final SimHarness h;
    private final SplittableRandom rnd;
    private final Duration timeout;
    private int nextName;
    private boolean loadOn = true;

    // versions 1-2
    private long lastFaultSpanNs;
    private long faultActiveUntilNs;

    // version 3: what is in effect, for the majority budget
    private final Set<String> paused = new HashSet<>();
    private final Set<String> cutOff = new HashSet<>();
    private boolean reckless;

    ScheduleRunner(long seed, Breakage breakage) {
        this(seed, breakage, LATEST);
    }

    /** @param version the harness version to generate with (see the class comment) */
    ScheduleRunner(long seed, Breakage breakage, int version) {
        if (version < 1 || version > LATEST) {
            throw new IllegalArgumentException("harness version " + version);
        }
        this.seed = seed;
        this.version = version;
        this.h = new SimHarness(seed, breakage);
        this.rnd = h.net.random().split();
        this.timeout = h.net.config.failureTimeout();
        h.script().comment("seed: " + seed);
        h.script().comment("harness: " + version);
    }

    long simNs;

    /** The digest of the run's history ({@link SimHarness#digest}), after {@link #run()}. */
    String historyDigest() {
        return SimHarness.digest(h.net.history().events());
    }

    SimHarness.Outcome run() {
        long t0 = System.nanoTime();
        try {
            if (version >= 3) {
                scriptV3();
            } else {
                scriptV1();
            }
        } catch (RuntimeException e) {
            h.engineThrew(e);
        }
        simNs = System.nanoTime() - t0;
        return h.end(seed);
    }

    // ------------------------------------------------------------------ shared steps

    private String newName() {
        return "n" + nextName++;
    }

    private void startNode(String name) {
        h.start(name, rnd.nextInt(3) * 700);
    }

    private void sendSome() {
        if (!loadOn) {
            return;
        }
        for (String name : h.members()) {
            if (rnd.nextInt(3) != 0) {
                continue;
            }
            send(name, 1 + rnd.nextInt(3));
        }
    }

    private void send(String name, int count) {
        for (int i = 0; i < count; i++) {
            Ordering o = rnd.nextBoolean() ? Ordering.ABCAST : Ordering.CBCAST;
            boolean safe = rnd.nextInt(4) == 0;
            ReplyMode mode = switch (rnd.nextInt(8)) {
                case 0 -> ReplyMode.ALL;
                case 1 -> ReplyMode.QUORUM;
                case 2 -> ReplyMode.ONE;
                default -> ReplyMode.NONE;
            };
            byte[] drawn = new byte[1 + rnd.nextInt(24)];
            rnd.nextBytes(drawn); // versions 1-2 drew the payload here: keep the stream as it was
            h.send(name, o, safe, mode, drawn.length);
        }
    }

    private void restartExcluded() {
        for (String name : new ArrayList<>(h.apps.keySet())) {
            DigestApp app = h.apps.get(name);
            SimProcess p = h.net.process(name);
            if ((app.excluded && p.alive()) || (loadOn && !p.alive() && rnd.nextInt(40) == 0)) {
                if (p.alive()) {
                    h.crash(name);
                }
                paused.remove(name);
                startNode(name);
            }
        }
    }

    /** Heals everything, restarts the dead, and gives the group quiet time. */
    private void quietEnd() {
        loadOn = false;
        cutOff.clear();
        paused.clear();
        h.quietEnd(QUIET, () -> rnd.nextInt(3) * 700);
    }

    // ------------------------------------------------------------------ versions 1 and 2

    /**
     * The member multicasts twice and leaves cleanly; 300-600 ms later, if the load is still on,
     * it comes back as a new incarnation.
     */
    private void leaveAndComeBack(String victim) {
        send(victim, 2);
        h.leave(victim);
        h.schedule(Duration.ofMillis(300 + rnd.nextInt(300)).toNanos(), () -> {
            if (loadOn && h.apps.get(victim).left) {
                h.crash(victim);
                startNode(victim);
            }
        });
    }

    /** Once the coordinator has wedged for a flush: 0-12 ms later it multicasts once and crashes. */
    private void crashMidFlush(String coord) {
        GroupMember cm = h.member(coord);
        h.runUntil(cm::wedged, Duration.ofSeconds(1));
        h.runFor(Duration.ofNanos(rnd.nextLong(12_000_000)));
        send(coord, 1);
        h.crash(coord);
    }

    /** Starts 3 to 5 members a few milliseconds apart and lets them settle into one view. */
    private void startGroup() {
        int n = 3 + rnd.nextInt(3);
        for (int i = 0; i < n; i++) {
            startNode(newName());
            h.runFor(Duration.ofMillis(rnd.nextInt(60)));
        }
        h.runUntil(h::settled, Duration.ofSeconds(3));
    }

    /** {@code count} fault times inside the load phase (from 100 ms in to 300 ms before its end), sorted. */
    private List<Long> faultTimes(int count) {
        List<Long> at = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            at.add(h.net.nowNs() + 100_000_000L + rnd.nextLong(LOAD.toNanos() - 400_000_000L));
        }
        at.sort(null);
        return at;
    }

    private void scriptV1() {
        startGroup();
        long loadEnd = h.net.nowNs() + LOAD.toNanos();
        List<Long> at = faultTimes(1 + rnd.nextInt(4));
        int next = 0;
        while (h.net.nowNs() < loadEnd) {
            if (next < at.size() && h.net.nowNs() >= at.get(next)) {
                next++;
                // Version 2: no new fault while an earlier one is still in effect.
                boolean quiet = version < 2 || h.net.nowNs() >= faultActiveUntilNs;
                if (h.settled() && quiet) {
                    injectV1(Fault.values()[rnd.nextInt(LEGACY_FAULT_KINDS)]);
                    faultActiveUntilNs = h.net.nowNs() + lastFaultSpanNs + 3 * timeout.toNanos();
                }
            }
            sendSome();
            restartExcluded();
            h.runFor(Duration.ofMillis(2 + rnd.nextInt(6)));
        }
        quietEnd();
    }

    private void injectV1(Fault f) {
        lastFaultSpanNs = 0;
        List<String> ms = h.members();
        if (ms.size() < 3) {
            return;
        }
        h.fault(f.name());
        String victim = ms.get(rnd.nextInt(ms.size()));
        switch (f) {
            case SENDER_CRASH_MID_MULTICAST -> {
                send(victim, 1 + rnd.nextInt(4));
                // Crash while the frames are on the wire: some receivers have them, some not.
                h.runFor(Duration.ofNanos(rnd.nextLong(3_000_000)));
                h.crash(victim);
            }
            case COORDINATOR_CRASH_MID_FLUSH -> {
                String coord = h.coordinator();
                send(coord, 2);
                if (ms.size() >= 5) {
                    // A failure starts the flush; the coordinator then fails too (3 of 5 remain).
                    String other = ms.stream().filter(x -> !x.equals(coord)).findFirst().orElseThrow();
                    h.crash(other);
                } else {
                    // A join starts the flush (crashing two of four or fewer would lose the primary).
                    startNode(newName());
                }
                crashMidFlush(coord);
            }
            case JOIN_WITH_FAILURE -> {
                startNode(newName());
                h.runFor(Duration.ofMillis(rnd.nextInt(40)));
                h.crash(victim);
            }
            case MINORITY_PARTITION, MAJORITY_PARTITION -> {
                List<String> shuffled = new ArrayList<>(ms);
                Collections.shuffle(shuffled, new Random(rnd.nextLong()));
                int minority = (shuffled.size() - 1) / 2;
                Set<String> side = Set.copyOf(shuffled.subList(0, Math.max(1, minority)));
                h.partition(side);
                long ms0 = f == Fault.MINORITY_PARTITION ? timeout.toMillis() * 3 : timeout.toMillis() / 2;
                long healMs = ms0 + rnd.nextInt(100);
                lastFaultSpanNs = healMs * 1_000_000;
                h.schedule(healMs * 1_000_000, h::healPartition);
            }
            case LONG_PAUSE -> {
                h.pause(victim);
                Duration pause = timeout.multipliedBy(2).plusMillis(rnd.nextInt(200));
                lastFaultSpanNs = pause.toNanos();
                h.schedule(pause.toNanos(), () -> h.resume(victim));
            }
            case SHORT_PAUSE -> {
                h.pause(victim);
                h.schedule(Duration.ofMillis(rnd.nextLong(timeout.toMillis() / 2)).toNanos(), () -> h.resume(victim));
            }
            case LINK_BREAK -> {
                String other = ms.get(rnd.nextInt(ms.size()));
                if (!other.equals(victim)) {
                    h.breakLink(victim, other);
                    long d = rnd.nextBoolean() ? timeout.toMillis() / 3 : timeout.toMillis() * 2;
                    long healMs = d + rnd.nextInt(50);
                    lastFaultSpanNs = healMs * 1_000_000;
                    h.schedule(healMs * 1_000_000, () -> h.healLink(victim, other));
                }
            }
            case LEAVE -> {
                leaveAndComeBack(victim);
            }
            default -> throw new IllegalArgumentException("not a version 1-2 fault: " + f);
        }
    }

    // ------------------------------------------------------------------ version 3: overlapping faults

    private void scriptV3() {
        startGroup();
        h.runFor(Duration.ZERO);
        long loadEnd = h.net.nowNs() + LOAD.toNanos();
        List<Long> at = faultTimes(2 + rnd.nextInt(4));
        int next = 0;
        while (h.net.nowNs() < loadEnd) {
            while (next < at.size() && h.net.nowNs() >= at.get(next)) {
                next++;
                injectV3(Fault.values()[rnd.nextInt(Fault.values().length)]);
            }
            sendSome();
            restartExcluded();
            h.runFor(Duration.ofMillis(2 + rnd.nextInt(6)));
        }
        quietEnd();
    }

    /**
     * The members of the newest view that are up: alive in that incarnation, not paused, not cut
     * off by a partition. A majority of the view must stay among them for the view to change.
     */
    private List<String> healthy(View v) {
        List<String> out = new ArrayList<>();
        for (MemberId m : v.members()) {
            SimProcess p = h.net.process(m.node());
            if (p != null && p.id().equals(m) && p.alive() && !paused.contains(m.node()) && !cutOff.contains(m.node())) {
                out.add(m.node());
            }
        }
        return out;
    }

    /** Whether {@code k} more of the view's healthy members may fail and leave a majority (always, for a reckless fault). */
    private boolean affordable(View v, int k) {
        return reckless || healthy(v).size() - k > v.size() / 2;
    }

    /** Up to {@code k} healthy members of the view, at random, within the budget (fewer if it does not allow k). */
    private List<String> victims(View v, int k) {
        List<String> pool = new ArrayList<>(healthy(v));
        Collections.shuffle(pool, new Random(rnd.nextLong()));
        while (k > 0 && !affordable(v, k)) {
            k--;
        }
        return new ArrayList<>(pool.subList(0, Math.min(k, pool.size())));
    }

    private void injectV3(Fault f) {
        View v = h.newestView();
        if (v == null) {
            return;
        }
        reckless = rnd.nextInt(10) == 0;
        switch (f) {
            case SENDER_CRASH_MID_MULTICAST -> {
                List<String> vs = victims(v, 1);
                if (vs.isEmpty()) {
                    return;
                }
                h.fault(f.name());
                send(vs.get(0), 1 + rnd.nextInt(4));
                h.runFor(Duration.ofNanos(rnd.nextLong(3_000_000)));
                h.crash(vs.get(0));
            }
            case COORDINATOR_CRASH_MID_FLUSH -> {
                String coord = v.coordinator().node();
                if (!healthy(v).contains(coord) || !affordable(v, 1)) {
                    return;
                }
                h.fault(f.name());
                send(coord, 2);
                List<String> other = new ArrayList<>(healthy(v));
                other.remove(coord);
                if (affordable(v, 2) && !other.isEmpty() && rnd.nextBoolean()) {
                    h.crash(other.get(rnd.nextInt(other.size()))); // a failure starts the flush
                } else {
                    startNode(newName()); // a join starts it
                }
                crashMidFlush(coord);
            }
            case JOIN_WITH_FAILURE -> {
                h.fault(f.name());
                startNode(newName());
                h.runFor(Duration.ofMillis(rnd.nextInt(40)));
                for (String x : victims(v, 1)) {
                    h.crash(x);
                }
            }
            case MINORITY_PARTITION, MAJORITY_PARTITION -> {
                List<String> side = victims(v, 1 + rnd.nextInt(Math.max(1, (v.size() - 1) / 2)));
                if (side.isEmpty()) {
                    return;
                }
                h.fault(f.name());
                long span = f == Fault.MINORITY_PARTITION ? timeout.toMillis() * 3 : timeout.toMillis() / 2;
                partitionFor(side, span + rnd.nextInt(100));
            }
            case LONG_PAUSE, SHORT_PAUSE -> {
                List<String> vs = victims(v, 1);
                if (vs.isEmpty()) {
                    return;
                }
                h.fault(f.name());
                long ms = f == Fault.LONG_PAUSE ? timeout.toMillis() * 2 + rnd.nextInt(200) : rnd.nextLong(timeout.toMillis() / 2);
                pauseFor(vs.get(0), ms);
            }
            case LINK_BREAK -> {
                List<String> up = healthy(v);
                if (up.size() < 2) {
                    return;
                }
                Collections.shuffle(up, new Random(rnd.nextLong()));
                h.fault(f.name());
                String a = up.get(0);
                String b = up.get(1);
                h.breakLink(a, b);
                long d = rnd.nextBoolean() ? timeout.toMillis() / 3 : timeout.toMillis() * 2;
                h.schedule((d + rnd.nextInt(50)) * 1_000_000, () -> h.healLink(a, b));
            }
            case LEAVE -> {
                List<String> up = healthy(v);
                if (up.size() < 3) {
                    return;
                }
                String victim = up.get(rnd.nextInt(up.size()));
                h.fault(f.name());
                leaveAndComeBack(victim);
            }
            case CRASH_DURING_VIEW_CHANGE, PARTITION_DURING_VIEW_CHANGE -> {
                if (!startViewChange(v, f)) {
                    return;
                }
                // The second fault lands inside the flush the first one started.
                h.runUntil(this::anyWedged, Duration.ofSeconds(1));
                h.runFor(Duration.ofNanos(rnd.nextLong(15_000_000)));
                if (f == Fault.CRASH_DURING_VIEW_CHANGE) {
                    for (String x : victims(v, 1)) {
                        h.crash(x);
                    }
                } else {
                    List<String> side = victims(v, 1 + rnd.nextInt(Math.max(1, (v.size() - 1) / 2)));
                    if (!side.isEmpty()) {
                        partitionFor(side, rnd.nextBoolean() ? timeout.toMillis() / 2 : timeout.toMillis() * 3);
                    }
                }
            }
            case CONCURRENT_JOINS_AND_FAILURES -> {
                h.fault(f.name());
                List<String> joiners = new ArrayList<>();
                int j = 1 + rnd.nextInt(2);
                List<String> vs = victims(v, 1 + rnd.nextInt(2));
                for (int i = 0; i < j; i++) {
                    String name = newName();
                    joiners.add(name);
                    startNode(name);
                    h.runFor(Duration.ofMillis(rnd.nextInt(15)));
                }
                if (rnd.nextInt(4) == 0) {
                    vs.add(joiners.get(rnd.nextInt(joiners.size()))); // a joiner fails mid-join (or mid-transfer)
                }
                for (String x : vs) {
                    h.runFor(Duration.ofMillis(rnd.nextInt(20)));
                    if (h.net.process(x).alive()) {
                        h.crash(x);
                    }
                }
            }
        }
    }

    /** Starts a view change (a crash, a join, a leave or a long pause), within the budget; whether it did. */
    private boolean startViewChange(View v, Fault f) {
        int how = rnd.nextInt(4);
        List<String> vs = how == 1 ? List.of() : victims(v, 1);
        if (how != 1 && vs.isEmpty()) {
            how = 1;
        }
        h.fault(f.name());
        switch (how) {
            case 0 -> h.crash(vs.get(0));
            case 1 -> startNode(newName());
            case 2 -> {
                if (healthy(v).size() >= 3) {
                    h.leave(vs.get(0));
                } else {
                    startNode(newName());
                }
            }
            default -> pauseFor(vs.get(0), timeout.toMillis() * 2 + rnd.nextInt(200));
        }
        return true;
    }

    private boolean anyWedged() {
        for (SimProcess p : h.net.processes()) {
            GroupMember m = p.node().group(SimHarness.GROUP);
            if (p.alive() && m != null && m.status() == GroupMember.Status.MEMBER && m.wedged()) {
                return true;
            }
        }
        return false;
    }

    private void partitionFor(List<String> side, long ms) {
        // A new partition replaces one in effect (its scheduled heal then ends this one early).
        cutOff.clear();
        cutOff.addAll(side);
        h.partition(Set.copyOf(side));
        h.schedule(ms * 1_000_000, () -> {
            cutOff.clear();
            h.healPartition();
        });
    }

    private void pauseFor(String name, long ms) {
        paused.add(name);
        h.pause(name);
        MemberId who = h.net.process(name).id();
        h.schedule(ms * 1_000_000, () -> {
            paused.remove(name);
            if (h.net.process(name).id().equals(who)) {
                h.resume(name);
            }
        });
    }
}
