package org.backplane.samples.salary;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;

import org.backplane.vsync.api.Delivery;
import org.backplane.vsync.api.Group;
import org.backplane.vsync.api.GroupListener;
import org.backplane.vsync.api.Replies;
import org.backplane.vsync.api.ReplyMode;
import org.backplane.vsync.api.ViewChange;
import org.backplane.vsync.api.VsyncConfig;
import org.backplane.vsync.api.VsyncNode;

/**
 * One replica of the paper's replicated name-to-salary database (Birman, CACM 1993, Figure 10):
 * every replica is a member of the group {@code salary}; an update is an ABCAST, so every replica
 * applies the same updates in the same order; a query is answered by any one replica from its own
 * copy; a replica that joins gets the current table by state transfer (streamed entry by entry,
 * taken exactly at the view that adds it). The client side of Figure 11 is {@link #update} and
 * {@link #raise}: they multicast the request and wait for the first reply, as the paper's client
 * waits for the first of the identical replies.
 *
 * <p>Thread-safe: updates and queries may come from any thread; the table is changed only on
 * the group's delivery thread.
 */
public final class SalaryDatabase implements GroupListener, AutoCloseable {

    /** The group every replica joins. */
    public static final String GROUP = "salary";

    private final VsyncNode node;
    private final Group group;
    private final ConcurrentSkipListMap<String, Long> salaries = new ConcurrentSkipListMap<>();
    private volatile long applied;
    private volatile ViewChange lastView;

    private SalaryDatabase(VsyncNode node) {
        this.node = node;
        this.group = node.join(GROUP, this);
    }

    /**
     * Starts a replica.
     *
     * @param name   a node name unique among the replicas
     * @param port   the port to listen on (0: any)
     * @param seeds  addresses of running replicas (empty for the first)
     * @param config the engine configuration
     */
    public static SalaryDatabase start(String name, int port, List<InetSocketAddress> seeds, VsyncConfig config)
            throws InterruptedException {
        VsyncNode node = VsyncNode.builder(name).listen("127.0.0.1", port).seeds(seeds).config(config).start();
        return new SalaryDatabase(node);
    }

    /** Completes when this replica is in the group (and, if it joined late, once its state is in place). */
    public CompletableFuture<Void> ready() {
        return group.joined().thenApply(v -> null);
    }

    /** The address other replicas can use as a seed. */
    public InetSocketAddress address() {
        return node.boundAddress();
    }

    /** Sets {@code name}'s salary on every replica; completes when the first replica has applied it. */
    public CompletableFuture<Replies> update(String name, long salary) {
        return group.abcast(encode("SET", name, salary), ReplyMode.ONE);
    }

    /** Adds {@code delta} to {@code name}'s salary on every replica (0 if absent); completes at the first reply. */
    public CompletableFuture<Replies> raise(String name, long delta) {
        return group.abcast(encode("RAISE", name, delta), ReplyMode.ONE);
    }

    /** This replica's answer for {@code name} (queries go to any one replica). */
    public OptionalLong query(String name) {
        Long s = salaries.get(name);
        return s == null ? OptionalLong.empty() : OptionalLong.of(s);
    }

    /** A copy of this replica's whole table. */
    public SortedMap<String, Long> snapshot() {
        return new java.util.TreeMap<>(salaries);
    }

    /** Updates applied here (including those that arrived inside a state transfer). */
    public long applied() {
        return applied;
    }

    /** The view this replica installed last. */
    public ViewChange lastView() {
        return lastView;
    }

    /** The engine identity of this replica. */
    public String id() {
        return node.self().toString();
    }

    private static byte[] encode(String op, String name, long value) {
        return (op + "\t" + name + "\t" + value).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void onView(ViewChange change) {
        lastView = change;
    }

    @Override
    public void onDeliver(Delivery d) {
        String[] f = new String(d.payload(), StandardCharsets.UTF_8).split("\t");
        if (f.length != 3) {
            d.reply("ERR malformed request".getBytes(StandardCharsets.UTF_8));
            return;
        }
        long v;
        try {
            v = Long.parseLong(f[2]);
        } catch (NumberFormatException e) {
            d.reply(("ERR not a number: " + f[2]).getBytes(StandardCharsets.UTF_8));
            return;
        }
        switch (f[0]) {
            case "SET" -> salaries.put(f[1], v);
            case "RAISE" -> salaries.merge(f[1], v, Long::sum);
            default -> {
                d.reply(("ERR unknown operation " + f[0]).getBytes(StandardCharsets.UTF_8));
                return;
            }
        }
        applied++;
        d.reply("OK".getBytes(StandardCharsets.UTF_8));
    }

    /** Figure 10's "send_state": the table, entry by entry, into the transfer stream. */
    @Override
    public void getState(OutputStream out) throws IOException {
        DataOutputStream o = new DataOutputStream(out);
        o.writeLong(applied);
        o.writeInt(salaries.size());
        for (Map.Entry<String, Long> e : salaries.entrySet()) {
            o.writeUTF(e.getKey());
            o.writeLong(e.getValue());
        }
        o.flush();
    }

    /** Figure 10's "rcv_state": rebuild the table from the stream. */
    @Override
    public void setState(InputStream in) throws IOException {
        DataInputStream i = new DataInputStream(in);
        long count = i.readLong();
        int n = i.readInt();
        salaries.clear();
        for (int k = 0; k < n; k++) {
            salaries.put(i.readUTF(), i.readLong());
        }
        applied = count;
    }

    /** Stops this replica without a clean leave (as a crash looks to the others). */
    @Override
    public void close() {
        node.close();
    }

    /** Leaves the group cleanly, then stops. */
    public void shutdown() throws Exception {
        group.leave().get();
        node.close();
    }
}
