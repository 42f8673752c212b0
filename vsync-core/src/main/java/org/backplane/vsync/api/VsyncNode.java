package org.backplane.vsync.api;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.backplane.vsync.check.HistoryRecorder;
import org.backplane.vsync.membership.Breakage;
import org.backplane.vsync.membership.GroupMember;
import org.backplane.vsync.netty.NettyTransport;
import org.backplane.vsync.node.Node;
import org.backplane.vsync.transport.LinkFrame;

/**
 * One engine process over TCP: the {@link Node} machine driven by one engine thread, the Netty
 * transport, and one delivery thread per joined group (ARCHITECTURE "The engine"; STYLE: one
 * engine thread per node). Application calls, inbound frames and timers all become tasks on the
 * engine thread, which runs them in arrival order, then lets the machines emit their batched
 * records and sends one frame per peer: batching falls out of load.
 *
 * <pre>{@code
 * VsyncNode node = VsyncNode.builder("server-1").listen("127.0.0.1", 7400)
 *         .seeds(List.of(new InetSocketAddress("127.0.0.1", 7401))).start();
 * Group g = node.join("orders", delivery -> apply(delivery.payload()));
 * g.joined().get();
 * g.abcast(bytes).get();   // completes when this member delivers it
 * }</pre>
 *
 * <p>Thread-safe. If this process is excluded from a group (it was suspected while alive, for
 * example after a long pause) and {@link Builder#rejoinWhenExcluded(boolean)} is on (the
 * default), the whole process takes a new incarnation and rejoins every group it was in, with
 * state transfer; listeners see {@link GroupListener#onExcluded()} and then a new view.
 */
public final class VsyncNode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(VsyncNode.class);

    /** Builds a node. */
    public static final class Builder {
        private final String node;
        private String host = "127.0.0.1";
        private int port;
        private final List<InetSocketAddress> seeds = new ArrayList<>();
        private VsyncConfig config = VsyncConfig.DEFAULTS;
        private HistoryRecorder recorder = HistoryRecorder.NONE;
        private boolean rejoin = true;
        private long incarnation = -1;

        private Builder(String node) {
            this.node = node;
        }

        /** The address to listen on (default 127.0.0.1, any free port). */
        public Builder listen(String host, int port) {
            this.host = Objects.requireNonNull(host);
            this.port = port;
            return this;
        }

        /** Addresses of other processes to connect to (at least one member of each group to join). */
        public Builder seeds(List<InetSocketAddress> seeds) {
            this.seeds.addAll(seeds);
            return this;
        }

        /** The engine configuration. */
        public Builder config(VsyncConfig config) {
            this.config = Objects.requireNonNull(config);
            return this;
        }

        /** Records the history of this process (for the checker). */
        public Builder recorder(HistoryRecorder recorder) {
            this.recorder = Objects.requireNonNull(recorder);
            return this;
        }

        /** Whether an excluded process rejoins as a new incarnation (default true). */
        public Builder rejoinWhenExcluded(boolean rejoin) {
            this.rejoin = rejoin;
            return this;
        }

        /** The first incarnation (default: the current time in milliseconds, so restarts increase). */
        public Builder incarnation(long incarnation) {
            this.incarnation = incarnation;
            return this;
        }

        /** Starts the node: binds, starts the engine thread, dials the seeds. */
        public VsyncNode start() throws InterruptedException {
            return new VsyncNode(this);
        }
    }

    /** A builder for a node named {@code node} (unique among the processes that talk to each other). */
    public static Builder builder(String node) {
        return new Builder(node);
    }

    private final VsyncConfig config;
    private final HistoryRecorder recorder;
    private final boolean rejoin;
    private final NettyTransport transport;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final Thread engine;
    private final Map<String, RuntimeGroup> groups = new LinkedHashMap<>();
    private volatile MemberId self;
    private Node node;
    private volatile boolean closed;
    private final boolean seedless;

    private VsyncNode(Builder b) throws InterruptedException {
        this.config = b.config;
        this.recorder = b.recorder;
        this.rejoin = b.rejoin;
        this.seedless = b.seeds.isEmpty();
        this.self = new MemberId(b.node, b.incarnation >= 0 ? b.incarnation : System.currentTimeMillis());
        this.transport = new NettyTransport(b.host, b.port, config.maxFrameBytes(), new NettyTransport.Listener() {
            @Override
            public void onFrame(MemberId from, LinkFrame frame) {
                post(() -> node.onFrame(from, frame, System.nanoTime()));
            }

            @Override
            public void onLinkUp(MemberId peer) {
                post(() -> node.onLinkUp(peer, System.nanoTime()));
            }

            @Override
            public void onLinkDown(MemberId peer) {
                post(() -> node.onLinkDown(peer, System.nanoTime()));
            }
        });
        this.node = new Node(self, config, transport, recorder, Breakage.NONE);
        transport.start(self);
        this.engine = new Thread(this::runEngine, "vsync-engine-" + b.node);
        engine.setDaemon(true);
        engine.start();
        transport.connect(b.seeds);
    }

    /** This process's current identity. */
    public MemberId self() {
        return self;
    }

    /** The address this process listens on. */
    public InetSocketAddress boundAddress() {
        return transport.boundAddress();
    }

    /** The configuration. */
    public VsyncConfig config() {
        return config;
    }

    /**
     * Joins (or, if no process answers for it, founds) {@code group}. Returns at once; the
     * group's {@link Group#joined()} completes with the first view.
     */
    public synchronized Group join(String group, GroupListener listener) {
        if (groups.containsKey(group)) {
            throw new IllegalStateException("already joined " + group);
        }
        RuntimeGroup g = new RuntimeGroup(this, group, listener);
        groups.put(group, g);
        post(() -> g.bind(node.join(group, g, g, seedless, System.nanoTime())));
        return g;
    }

    /** Runs {@code task} on the engine thread. */
    void post(Runnable task) {
        tasks.add(task);
        LockSupport.unpark(engine);
    }

    HistoryRecorder recorder() {
        return recorder;
    }

    private void runEngine() {
        long tickNs = config.tickInterval().toNanos();
        long nextTick = System.nanoTime();
        while (!closed) {
            int ran = 0;
            Runnable r;
            while (ran < 65_536 && (r = tasks.poll()) != null) {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    LOG.error("{} engine task failed (continuing)", self, e);
                }
                ran++;
            }
            long now = System.nanoTime();
            try {
                if (now - nextTick >= 0) {
                    node.setKnownPeers(transport.connectedPeers());
                    node.doWork(now);
                    nextTick = now + tickNs;
                } else if (ran > 0) {
                    node.endOfPass(now);
                }
            } catch (RuntimeException e) {
                LOG.error("{} engine timer failed (continuing)", self, e);
            }
            if (tasks.isEmpty()) {
                LockSupport.parkNanos(Math.max(1000, nextTick - System.nanoTime()));
            }
        }
    }

    /** Called on the engine thread when a group machine found this process excluded. */
    void excluded(RuntimeGroup g) {
        if (!rejoin || closed) {
            return;
        }
        MemberId next = new MemberId(self.node(), Math.max(self.incarnation() + 1, System.currentTimeMillis()));
        LOG.warn("{} was excluded from {}; rejoining every group as {}", self, g.name(), next);
        self = next;
        transport.reincarnate(next);
        node = new Node(next, config, transport, recorder, Breakage.NONE);
        List<RuntimeGroup> all;
        synchronized (this) {
            all = new ArrayList<>(groups.values());
        }
        for (RuntimeGroup x : all) {
            GroupMember old = x.member();
            if (x != g && old != null && old.status() == GroupMember.Status.MEMBER) {
                x.abandon("this process took a new incarnation");
            }
            if (!x.leftForGood()) {
                x.bind(node.join(x.name(), x, x, false, System.nanoTime()));
            }
        }
    }

    /** Stops the engine, the delivery threads and the transport (no clean leave; see {@link Group#leave()}). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        LockSupport.unpark(engine);
        try {
            engine.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        transport.close();
        List<RuntimeGroup> all;
        synchronized (this) {
            all = new ArrayList<>(groups.values());
        }
        for (RuntimeGroup g : all) {
            g.shutdown();
        }
    }
}
