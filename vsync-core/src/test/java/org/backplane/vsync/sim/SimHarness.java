package org.backplane.vsync.sim;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntSupplier;

import org.backplane.vsync.api.Group;
import org.backplane.vsync.api.MemberId;
import org.backplane.vsync.api.Ordering;
import org.backplane.vsync.api.Replies;
import org.backplane.vsync.api.ReplyMode;
import org.backplane.vsync.api.View;
import org.backplane.vsync.check.HistoryChecker;
import org.backplane.vsync.check.HistoryEvent;
import org.backplane.vsync.membership.Breakage;
import org.backplane.vsync.membership.GroupMember;

/**
 * The actions a schedule takes against a {@link SimNetwork} running one group of
 * {@link DigestApp}s, each written to a {@link ScheduleScript} as it is taken, and the checks at
 * the end. Generators ({@link ScheduleRunner}) decide what to do; {@link ScriptReplay} does what
 * a stored script says; both go through these methods, so a replay repeats a generated run
 * exactly (the same engine gives the same history, event for event).
 *
 * <p>The checks: the history against V1-V11 ({@link HistoryChecker}, with the liveness half of V7
 * at the quiet end), an engine exception, and, unless the run lost its primary for good (no
 * majority of the last view alive: correct behaviour, the minority must then stop and say so,
 * which the checker verifies), that the group settled in one view and every multicast future of a
 * live member completed.
 */
final class SimHarness {

    static final String GROUP = "g";

    /** What a schedule did and found. */
    record Outcome(long seed, Map<String, Integer> faults, HistoryChecker.Result result, List<String> problems,
                   long events, ScheduleScript script) {

        int faultCount() {
            return faults.values().stream().mapToInt(Integer::intValue).sum();
        }

        boolean ok() {
            return result.ok() && problems.isEmpty();
        }

        boolean primaryLost() {
            return result.primaryLost();
        }

        String describe() {
            StringBuilder b = new StringBuilder("seed " + seed + " faults " + script.faults()
                    + (primaryLost() ? " (primary lost)" : "") + "\n");
            for (String p : problems) {
                b.append("  ").append(p).append('\n');
            }
            b.append(result.describe("-Dseed=" + seed));
            return b.toString();
        }
    }

    private record Pending(String node, long incarnation, CompletableFuture<Replies> future, String what) {
    }

    final SimNetwork net;
    final Map<String, DigestApp> apps = new LinkedHashMap<>();
    final Map<String, Group> groups = new LinkedHashMap<>();
    private final List<Pending> futures = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private final ScheduleScript script = new ScheduleScript();
    private String tag = "";
    private int nextEvent;
    private long sends;
    private boolean threw;
    private boolean ranSinceAction = true;
    private boolean healedAll;

    SimHarness(long seed, Breakage breakage) {
        this.net = SimNetwork.builder(seed).recordHistory().breakage(breakage).build();
    }

    ScheduleScript script() {
        return script;
    }

    private void record(String action) {
        if (!tag.isEmpty()) {
            script.add(net.nowNs(), tag + action);
            return;
        }
        // "&": taken in the same step as the previous action, with no simulation run in between.
        script.add(net.nowNs(), (ranSinceAction ? "" : "& ") + action);
        ranSinceAction = false;
    }

    // ------------------------------------------------------------------ actions

    /** Starts {@code name} (a new incarnation if it ran before) and joins the group. */
    void start(String name, int paddingBytes) {
        record("start " + name + " " + paddingBytes);
        SimProcess p = net.start(name);
        DigestApp app = new DigestApp(GROUP, net.history(), paddingBytes);
        app.self = p.id();
        apps.put(name, app);
        groups.put(name, p.join(GROUP, app));
    }

    /** The payload of the {@code index}-th multicast of a run, {@code length} bytes. */
    static byte[] payload(long index, int length) {
        byte[] b = new byte[length];
        new SplittableRandom(index * 0x9E3779B97F4A7C15L + length).nextBytes(b);
        return b;
    }

    /** {@code name} multicasts one message of {@code length} bytes. */
    void send(String name, Ordering o, boolean safe, ReplyMode mode, int length) {
        record("send " + name + " " + (o == Ordering.ABCAST ? "A" : "C") + " " + (safe ? "s" : "-") + " "
                + modeCode(mode) + " " + length);
        Group g = groups.get(name);
        SimProcess p = net.process(name);
        CompletableFuture<Replies> f = g.multicast(o, payload(sends++, length), mode, safe);
        futures.add(new Pending(name, p.id().incarnation(), f, o + " " + mode + (safe ? " safe" : "")));
    }

    void crash(String name) {
        record("crash " + name);
        net.crash(name);
    }

    void pause(String name) {
        record("pause " + name);
        net.pause(name);
    }

    void resume(String name) {
        record("resume " + name);
        net.resume(name);
    }

    /** Cuts {@code side} off from everyone else. */
    void partition(Set<String> side) {
        record("partition " + String.join(",", new TreeSet<>(side)));
        net.partition(side);
    }

    void healPartition() {
        record("heal-partition");
        net.healPartition();
    }

    void breakLink(String a, String b) {
        record("break " + a + " " + b);
        net.breakLink(a, b);
    }

    void healLink(String a, String b) {
        record("heal " + a + " " + b);
        net.healLink(a, b);
    }

    void healAll() {
        healedAll = true;
        record("heal-all");
        net.healAll();
    }

    void leave(String name) {
        record("leave " + name);
        groups.get(name).leave();
    }

    /** Marks the start of a fault of {@code kind} (the actions that make it follow). */
    void fault(String kind) {
        record("fault " + kind);
    }

    /**
     * Runs {@code body} {@code delayNs} from now as a simulation event (in the event order the
     * simulation gives it); the actions it takes are recorded as that event's.
     */
    void schedule(long delayNs, Runnable body) {
        int k = nextEvent++;
        record("schedule " + k + " " + delayNs);
        net.schedule(Duration.ofNanos(delayNs), () -> {
            String outer = tag;
            tag = "@" + k + " ";
            try {
                body.run();
            } finally {
                tag = outer;
            }
        });
    }

    /** Runs the simulation to {@code timeNs} (every event up to it, also those at the current time). */
    void runTo(long timeNs) {
        ranSinceAction = true;
        net.runFor(Duration.ofNanos(Math.max(0, timeNs - net.nowNs())));
    }

    /** Runs the simulation for {@code d}. */
    void runFor(java.time.Duration d) {
        ranSinceAction = true;
        net.runFor(d);
    }

    /** Runs until {@code condition} holds or {@code max} passes; whether it held. */
    boolean runUntil(java.util.function.BooleanSupplier condition, java.time.Duration max) {
        ranSinceAction = true;
        return net.runUntil(condition, max);
    }

    /**
     * The end every schedule has: every fault healed, paused processes resumed, crashed ones
     * restarted (state padding from {@code padding}), then quiet time in which excluded processes
     * restart as new incarnations.
     */
    void quietEnd(Duration quiet, IntSupplier padding) {
        healAll();
        for (SimProcess p : net.processes()) {
            if (p.paused()) {
                resume(p.id().node());
            }
        }
        for (String name : new ArrayList<>(apps.keySet())) {
            if (!net.process(name).alive()) {
                start(name, padding.getAsInt());
            }
        }
        long end = net.nowNs() + quiet.toNanos();
        while (net.nowNs() < end) {
            restartExcluded(padding);
            runFor(Duration.ofMillis(20));
        }
    }

    /** Restarts, as a new incarnation, every process that found itself excluded. */
    void restartExcluded(IntSupplier padding) {
        for (String name : new ArrayList<>(apps.keySet())) {
            if (apps.get(name).excluded && net.process(name).alive()) {
                crash(name);
                start(name, padding.getAsInt());
            }
        }
    }

    /** Whether the run has healed everything for its quiet end. */
    boolean healedAll() {
        return healedAll;
    }

    /** The engine threw: the run stops here. */
    void engineThrew(RuntimeException e) {
        threw = true;
        StringWriter w = new StringWriter();
        e.printStackTrace(new PrintWriter(w));
        problems.add("engine threw at " + net.nowNs() / 1_000_000 + " ms: " + w);
    }

    /** Ends the run: records the end and runs every check. */
    Outcome end(long seed) {
        record("end");
        HistoryChecker.Result r = new HistoryChecker(!threw).check(net.history().events());
        if (!threw && !r.primaryLost()) {
            if (!settled()) {
                problems.add("group did not settle by the end: " + describeStates());
            }
            for (Pending p : futures) {
                SimProcess proc = net.process(p.node);
                DigestApp app = apps.get(p.node);
                boolean live = proc != null && proc.alive() && proc.id().incarnation() == p.incarnation
                        && app != null && app.self.incarnation() == p.incarnation && !app.excluded && !app.left;
                if (live && !p.future.isDone()) {
                    problems.add("multicast future never completed at live member " + p.node + "#" + p.incarnation + ": " + p.what);
                    break;
                }
            }
        }
        Map<String, Integer> faults = script.faultCounts();
        return new Outcome(seed, faults, r, problems, net.eventsRun(), script);
    }

    /** SHA-256 of a history's lines, first 16 hex digits (equal histories, equal digests). */
    static String digest(List<HistoryEvent> events) {
        try {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            for (HistoryEvent e : events) {
                md.update(e.toLine().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            return java.util.HexFormat.of().formatHex(md.digest()).substring(0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ queries for generators

    private static String modeCode(ReplyMode m) {
        return switch (m) {
            case NONE -> "N";
            case ONE -> "1";
            case QUORUM -> "Q";
            case ALL -> "A";
        };
    }

    static ReplyMode mode(String code) {
        return switch (code) {
            case "N" -> ReplyMode.NONE;
            case "1" -> ReplyMode.ONE;
            case "Q" -> ReplyMode.QUORUM;
            case "A" -> ReplyMode.ALL;
            default -> throw new IllegalArgumentException("reply mode " + code);
        };
    }

    /** The group machine of {@code name}'s current process, or null. */
    GroupMember member(String name) {
        SimProcess p = net.process(name);
        return p == null ? null : p.node().group(GROUP);
    }

    /** Every running, unpaused process is a member of one common view, not wedged, not awaiting state. */
    boolean settled() {
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
        for (MemberId id : common.members()) {
            SimProcess p = net.process(id.node());
            if (p == null || !p.id().equals(id) || !p.alive()) {
                return false;
            }
        }
        return true;
    }

    String describeStates() {
        StringBuilder b = new StringBuilder();
        for (SimProcess p : net.processes()) {
            GroupMember m = p.node().group(GROUP);
            b.append(p).append('=').append(m == null ? "-" : m.status() + " " + m.view() + (m.wedged() ? " wedged" : "")
                    + (m.awaitingState() ? " awaiting-state" : "")).append("; ");
        }
        return b.toString();
    }

    /** The names of live processes that are members (in some view), in start order. */
    List<String> members() {
        List<String> out = new ArrayList<>();
        for (SimProcess p : net.processes()) {
            GroupMember m = p.node().group(GROUP);
            if (p.alive() && m != null && m.status() == GroupMember.Status.MEMBER) {
                out.add(p.id().node());
            }
        }
        return out;
    }

    /** The coordinator of the first live member's view, or null. */
    String coordinator() {
        for (SimProcess p : net.processes()) {
            GroupMember m = p.node().group(GROUP);
            if (p.alive() && m != null && m.status() == GroupMember.Status.MEMBER) {
                return m.view().coordinator().node();
            }
        }
        return null;
    }

    /** The newest view any live process has installed and is still a member in, or null. */
    View newestView() {
        View best = null;
        for (SimProcess p : net.processes()) {
            GroupMember m = p.node().group(GROUP);
            if (p.alive() && m != null && m.status() == GroupMember.Status.MEMBER
                    && (best == null || m.view().id() > best.id())) {
                best = m.view();
            }
        }
        return best;
    }
}
