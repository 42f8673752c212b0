package org.backplane.vsync.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;

import org.backplane.vsync.api.MemberId;
import org.backplane.vsync.api.VsyncConfig;
import org.backplane.vsync.check.History;
import org.backplane.vsync.check.HistoryRecorder;
import org.backplane.vsync.membership.Breakage;
import org.backplane.vsync.transport.LinkFrame;

/**
 * A deterministic, in-memory network of engine processes (ARCHITECTURE "transport";
 * PROTOCOL-NOTES §8.3): single-threaded, seeded, on a virtual clock. The real protocol code runs
 * in every {@link SimProcess}; only the transport and time are simulated. Faults: crash, pause
 * and resume a process; break and heal a link; partition into sides and heal; every frame gets a
 * random delay, so frames on different links overtake each other while each link stays FIFO. A
 * break or partition drops the frames in flight on the links it cuts. The same seed and the same
 * calls give the same run, bit for bit.
 *
 * <p>Applications can test their own groups on it: start processes, {@code join} groups with
 * their listeners, drive the clock with {@link #runFor(Duration)} or {@link #runUntil}, inject
 * faults, and check the recorded history with {@code HistoryChecker}. Not thread-safe: every call,
 * and every listener callback, happens on the thread that drives the network.
 */
public final class SimNetwork {

    /** Builds a network. */
    public static final class Builder {
        private final long seed;
        private VsyncConfig config = simDefaults();
        private Duration minDelay = Duration.ofMillis(1);
        private Duration maxDelay = Duration.ofMillis(5);
        private HistoryRecorder recorder = HistoryRecorder.NONE;
        private Breakage breakage = Breakage.NONE;
        private boolean recordHistory;

        private Builder(long seed) {
            this.seed = seed;
        }

        /** The engine configuration every process uses (defaults: {@link #simDefaults()}). */
        public Builder config(VsyncConfig c) {
            this.config = Objects.requireNonNull(c);
            return this;
        }

        /** The range each frame's delay is drawn from, uniformly. */
        public Builder delay(Duration min, Duration max) {
            if (min.isNegative() || max.compareTo(min) < 0) {
                throw new IllegalArgumentException("need 0 <= min <= max");
            }
            this.minDelay = min;
            this.maxDelay = max;
            return this;
        }

        /** Where every process records its history. */
        public Builder recorder(HistoryRecorder r) {
            this.recorder = Objects.requireNonNull(r);
            return this;
        }

        /** Records every process's history in memory, on the network's clock ({@link SimNetwork#history()}). */
        public Builder recordHistory() {
            this.recordHistory = true;
            return this;
        }

        /** TEST ONLY: run a deliberately broken engine. */
        public Builder breakage(Breakage b) {
            this.breakage = Objects.requireNonNull(b);
            return this;
        }

        /** The network. */
        public SimNetwork build() {
            return new SimNetwork(this);
        }
    }

    /** Engine settings scaled for simulation: heartbeat 20 ms, timeout 100 ms, tick 5 ms. */
    public static VsyncConfig simDefaults() {
        return VsyncConfig.DEFAULTS
                .withFailureDetection(Duration.ofMillis(20), Duration.ofMillis(100))
                .withIntervals(Duration.ofMillis(5), Duration.ofMillis(5), Duration.ofMillis(10),
                        Duration.ofMillis(50), Duration.ofMillis(250))
                .withSendWindow(64)
                .withStateChunks(512, 4);
    }

    /** A network with the given seed. */
    public static Builder builder(long seed) {
        return new Builder(seed);
    }

    /** One direction of a link: its epoch (bumped when it breaks: frames in flight are lost) and FIFO arrival floor. */
    private static final class Link {
        long epoch;
        long lastArrivalNs;
    }

    /** An undirected pair of nodes, in name order. */
    private record Pair(String a, String b) {
        static Pair of(String x, String y) {
            return x.compareTo(y) < 0 ? new Pair(x, y) : new Pair(y, x);
        }
    }

    private record Event(long timeNs, long seq, SimProcess target, Runnable action) implements Comparable<Event> {
        @Override
        public int compareTo(Event o) {
            int c = Long.compare(timeNs, o.timeNs);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    private static final boolean TRACE = Boolean.getBoolean("sim.trace");
    private final long seed;
    private final SplittableRandom random;
    final VsyncConfig config;
    final HistoryRecorder recorder;
    private final History history;
    final Breakage breakage;
    private final long minDelayNs;
    private final long maxDelayNs;
    private final PriorityQueue<Event> events = new PriorityQueue<>();
    private final Map<String, SimProcess> processes = new LinkedHashMap<>();
    private final Map<String, Long> incarnations = new HashMap<>();
    private final Map<String, Map<String, Link>> links = new HashMap<>();
    private final Set<Pair> brokenLinks = new java.util.LinkedHashSet<>();
    private Map<String, Integer> sides;
    private long nowNs;
    private long eventSeq;
    private long framesSent;
    private long framesDropped;
    private long eventsRun;

    private SimNetwork(Builder b) {
        this.seed = b.seed;
        this.random = new SplittableRandom(b.seed);
        this.config = b.config;
        this.history = b.recordHistory ? new History(this::nowNs) : null;
        this.recorder = history != null ? history : b.recorder;
        this.breakage = b.breakage;
        this.minDelayNs = b.minDelay.toNanos();
        this.maxDelayNs = b.maxDelay.toNanos();
    }

    /** The recorded history (with {@link Builder#recordHistory()}), else null. */
    public History history() {
        return history;
    }

    /** The seed. */
    public long seed() {
        return seed;
    }

    /** The virtual time, in nanoseconds since the network was built. */
    public long nowNs() {
        return nowNs;
    }

    /** The network's random source (for harnesses that want the run to stay one function of the seed). */
    public SplittableRandom random() {
        return random;
    }

    /**
     * Starts a process for {@code node}: a new incarnation if the node ran before (its previous
     * incarnation must have crashed or been stopped).
     */
    public SimProcess start(String node) {
        SimProcess old = processes.get(node);
        if (old != null && old.alive()) {
            throw new IllegalStateException(node + " is running; crash it first");
        }
        long inc = incarnations.merge(node, 1L, Long::sum);
        SimProcess p = new SimProcess(this, new MemberId(node, inc));
        processes.put(node, p);
        long phase = random.nextLong(Math.max(1, config.tickInterval().toNanos()));
        schedule(p, phase, () -> tick(p));
        return p;
    }

    /** The current process of {@code node}, or null. */
    public SimProcess process(String node) {
        return processes.get(node);
    }

    /** Every node's current process (alive or not), in start order. */
    public Collection<SimProcess> processes() {
        return processes.values();
    }

    /** Crashes {@code node}'s process: it stops at once; frames to it are lost. */
    public void crash(String node) {
        SimProcess p = processes.get(node);
        if (p != null && p.alive()) {
            p.crashed = true;
            recorder.crash(p.id());
        }
    }

    /** Pauses {@code node}'s process (as a long GC pause or SIGSTOP): it runs nothing, frames queue. */
    public void pause(String node) {
        SimProcess p = processes.get(node);
        if (p != null && p.alive()) {
            p.paused = true;
        }
    }

    /** Resumes a paused process: it handles what queued, in arrival order, then runs on. */
    public void resume(String node) {
        SimProcess p = processes.get(node);
        if (p == null || !p.paused) {
            return;
        }
        p.paused = false;
        List<Runnable> backlog = new ArrayList<>(p.backlog);
        p.backlog.clear();
        for (Runnable r : backlog) {
            schedule(p, 0, r);
        }
        if (p.tickMissed) {
            p.tickMissed = false;
            schedule(p, 0, () -> tick(p));
        }
    }

    /** Breaks the link between two nodes (both directions); frames in flight on it are lost. */
    public void breakLink(String a, String b) {
        brokenLinks.add(Pair.of(a, b));
        bumpEpoch(a, b);
        bumpEpoch(b, a);
    }

    /** Heals a broken link; both ends are told the link is up (and resend what is unacknowledged). */
    public void healLink(String a, String b) {
        if (brokenLinks.remove(Pair.of(a, b))) {
            linkUp(a, b);
        }
    }

    /** Splits the nodes into sides; nodes not named form one more side together. */
    @SafeVarargs
    public final void partition(Set<String>... sidesGiven) {
        healPartition();
        sides = new HashMap<>();
        for (int i = 0; i < sidesGiven.length; i++) {
            for (String n : sidesGiven[i]) {
                sides.put(n, i);
            }
        }
        for (String a : processes.keySet()) {
            for (String b : processes.keySet()) {
                if (!a.equals(b) && side(a) != side(b)) {
                    bumpEpoch(a, b);
                }
            }
        }
    }

    /** Ends a partition; every link that was cut is reported up at both ends. */
    public void healPartition() {
        if (sides == null) {
            return;
        }
        Map<String, Integer> old = sides;
        sides = null;
        List<String> names = new ArrayList<>(processes.keySet());
        for (int i = 0; i < names.size(); i++) {
            for (int j = i + 1; j < names.size(); j++) {
                String a = names.get(i);
                String b = names.get(j);
                if (!Objects.equals(old.getOrDefault(a, -1), old.getOrDefault(b, -1)) && !brokenLinks.contains(Pair.of(a, b))) {
                    linkUp(a, b);
                }
            }
        }
    }

    /** Heals every broken link and any partition. */
    public void healAll() {
        healPartition();
        for (Pair k : new ArrayList<>(brokenLinks)) {
            healLink(k.a(), k.b());
        }
    }

    /** Runs events until the virtual clock reaches now + {@code d}. */
    public void runFor(Duration d) {
        runUntilNs(nowNs + d.toNanos());
    }

    /** Runs events until {@code condition} holds (checked after each event) or {@code max} passes; returns whether it held. */
    public boolean runUntil(BooleanSupplier condition, Duration max) {
        long end = nowNs + max.toNanos();
        while (!condition.getAsBoolean()) {
            Event e = events.peek();
            if (e == null || e.timeNs > end) {
                nowNs = Math.max(nowNs, end);
                return condition.getAsBoolean();
            }
            runOne();
        }
        return true;
    }

    private void runUntilNs(long endNs) {
        while (true) {
            Event e = events.peek();
            if (e == null || e.timeNs > endNs) {
                break;
            }
            runOne();
        }
        nowNs = Math.max(nowNs, endNs);
    }

    private void runOne() {
        Event e = events.poll();
        nowNs = Math.max(nowNs, e.timeNs);
        eventsRun++;
        if (e.target != null) {
            if (!e.target.alive()) {
                return;
            }
            if (e.target.paused) {
                e.target.backlog.add(e.action);
                return;
            }
        }
        e.action.run();
        if (e.target != null && e.target.alive()) {
            e.target.node().endOfPass(nowNs);
        }
    }

    /** Runs {@code action} at now + {@code delay} on behalf of the harness (not bound to a process). */
    public void schedule(Duration delay, Runnable action) {
        schedule(null, delay.toNanos(), action);
    }

    void schedule(SimProcess target, long delayNs, Runnable action) {
        events.add(new Event(nowNs + delayNs, eventSeq++, target, action));
    }

    private void tick(SimProcess p) {
        if (TRACE) {
            System.out.println("tick " + p + " at " + nowNs / 1_000_000);
        }
        if (!p.alive()) {
            return;
        }
        List<MemberId> peers = new ArrayList<>();
        for (SimProcess q : processes.values()) {
            if (q != p && q.alive()) {
                peers.add(q.id());
            }
        }
        p.node().setKnownPeers(peers);
        p.node().doWork(nowNs);
        schedule(p, config.tickInterval().toNanos(), () -> tickOrMark(p));
    }

    private void tickOrMark(SimProcess p) {
        tick(p);
    }

    void transmit(SimProcess from, MemberId to, LinkFrame frame) {
        framesSent++;
        SimProcess dest = processes.get(to.node());
        if (dest == null || !dest.id().equals(to) || !dest.alive() || !connected(from.id().node(), to.node())) {
            framesDropped++;
            return;
        }
        Link link = link(from.id().node(), to.node());
        long epoch = link.epoch;
        long delay = minDelayNs + (maxDelayNs > minDelayNs ? random.nextLong(maxDelayNs - minDelayNs + 1) : 0);
        long arrival = Math.max(nowNs + delay, link.lastArrivalNs);
        link.lastArrivalNs = arrival;
        MemberId fromId = from.id();
        events.add(new Event(arrival, eventSeq++, dest, () -> {
            if (link.epoch != epoch) {
                framesDropped++;
                return;
            }
            dest.node().onFrame(fromId, frame, nowNs);
        }));
    }

    private boolean connected(String a, String b) {
        return (brokenLinks.isEmpty() || !brokenLinks.contains(Pair.of(a, b))) && side(a) == side(b);
    }

    private int side(String node) {
        return sides == null ? -1 : sides.getOrDefault(node, -1);
    }

    private void bumpEpoch(String a, String b) {
        link(a, b).epoch++;
    }

    private Link link(String from, String to) {
        return links.computeIfAbsent(from, x -> new HashMap<>()).computeIfAbsent(to, x -> new Link());
    }

    private void linkUp(String a, String b) {
        SimProcess pa = processes.get(a);
        SimProcess pb = processes.get(b);
        if (pa == null || pb == null || !connected(a, b)) {
            return;
        }
        MemberId ia = pa.id();
        MemberId ib = pb.id();
        schedule(pa, 0, () -> pa.node().onLinkUp(ib, nowNs));
        schedule(pb, 0, () -> pb.node().onLinkUp(ia, nowNs));
    }

    /** Frames handed to the network so far. */
    public long framesSent() {
        return framesSent;
    }

    /** Frames lost to crashes, breaks and partitions. */
    public long framesDropped() {
        return framesDropped;
    }

    /** Events run so far. */
    public long eventsRun() {
        return eventsRun;
    }
}
