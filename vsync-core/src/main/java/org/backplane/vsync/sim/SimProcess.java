package org.backplane.vsync.sim;

import java.util.ArrayList;
import java.util.List;

import org.backplane.vsync.api.Group;
import org.backplane.vsync.api.GroupListener;
import org.backplane.vsync.api.MemberId;
import org.backplane.vsync.node.Node;

/**
 * One engine process inside a {@link SimNetwork}: the real {@link Node} machine with the
 * simulated network as its transport. Used on the simulation thread only.
 */
public final class SimProcess {

    private final SimNetwork net;
    private final MemberId id;
    private final Node node;
    boolean crashed;
    boolean paused;
    boolean tickMissed;
    final List<Runnable> backlog = new ArrayList<>();
    private final List<SimGroup> groups = new ArrayList<>();

    SimProcess(SimNetwork net, MemberId id) {
        this.net = net;
        this.id = id;
        this.node = new Node(id, net.config, (to, frame) -> net.transmit(this, to, frame), net.recorder, net.breakage);
    }

    /** This process's identity (node and incarnation). */
    public MemberId id() {
        return id;
    }

    /** Whether it has not crashed. */
    public boolean alive() {
        return !crashed;
    }

    /** Whether it is paused. */
    public boolean paused() {
        return paused;
    }

    /** The engine machine (for tests that look inside). */
    public Node node() {
        return node;
    }

    /**
     * Joins (or founds) {@code group}; {@code listener} is called on the simulation thread.
     * Returns at once; the view arrives as the simulation runs.
     */
    public Group join(String group, GroupListener listener) {
        SimGroup g = new SimGroup(net, this, group, listener);
        groups.add(g);
        g.start();
        return g;
    }

    /** The groups joined through this process. */
    public List<Group> groups() {
        return List.copyOf(groups);
    }

    @Override
    public String toString() {
        return id + (crashed ? " (crashed)" : paused ? " (paused)" : "");
    }
}
