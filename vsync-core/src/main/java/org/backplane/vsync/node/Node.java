package org.backplane.vsync.node;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.backplane.vsync.api.Delivery;
import org.backplane.vsync.api.MemberId;
import org.backplane.vsync.api.VsyncConfig;
import org.backplane.vsync.check.HistoryRecorder;
import org.backplane.vsync.failure.FailureDetector;
import org.backplane.vsync.link.ReliableLinks;
import org.backplane.vsync.membership.Breakage;
import org.backplane.vsync.membership.GroupMember;
import org.backplane.vsync.membership.GroupSink;
import org.backplane.vsync.membership.JoinRequest;
import org.backplane.vsync.membership.NoGroup;
import org.backplane.vsync.transport.GroupMessage;
import org.backplane.vsync.transport.LinkFrame;
import org.backplane.vsync.transport.Transport;

/**
 * One engine process as a pure machine (ARCHITECTURE "The engine"): its reliable links, its
 * failure detector and its groups, which share both. Inbound frames are unpacked and routed to
 * the group each message names; timers run in {@link #doWork(long)}; every step ends with
 * {@link #endOfPass(long)}, which lets the groups emit their batched records and sends all queued
 * messages as one frame per peer. Single-threaded: the runtime's engine thread or the simulator
 * calls it, always with {@code nowNs}.
 */
public final class Node {

    private final MemberId self;
    private final VsyncConfig cfg;
    private final HistoryRecorder rec;
    private final Breakage breakage;
    private final ReliableLinks links;
    private final FailureDetector fd;
    private final Map<String, GroupMember> groups = new LinkedHashMap<>();
    private final Set<MemberId> knownPeers = new LinkedHashSet<>();
    private final long hbNs;
    private Set<MemberId> lastMonitored = Set.of();

    /**
     * @param self      this process
     * @param cfg       the configuration
     * @param transport the port frames leave through
     * @param rec       the history recorder
     * @param breakage  test-only defects ({@link Breakage#NONE} in production)
     */
    public Node(MemberId self, VsyncConfig cfg, Transport transport, HistoryRecorder rec, Breakage breakage) {
        this.self = self;
        this.cfg = cfg;
        this.rec = rec;
        this.breakage = breakage;
        this.links = new ReliableLinks(transport, 8192, cfg.maxFrameBytes());
        this.fd = new FailureDetector(self, cfg.failureTimeout().toNanos());
        this.hbNs = cfg.heartbeatInterval().toNanos();
    }

    /** This process. */
    public MemberId self() {
        return self;
    }

    /**
     * Starts joining {@code group}; the returned machine is driven through this node.
     *
     * @param sink    the application side of the group
     * @param replies how deliveries' replies come back (the runtime routes them to this thread)
     */
    public GroupMember join(String group, GroupSink sink, Delivery.ReplyChannel replies, long nowNs) {
        return join(group, sink, replies, true, nowNs);
    }

    /**
     * Starts joining {@code group}; with {@code mayFoundAlone} false the group is never founded
     * before some peer has been reached (processes given seed addresses).
     */
    public GroupMember join(String group, GroupSink sink, Delivery.ReplyChannel replies, boolean mayFoundAlone, long nowNs) {
        GroupMember existing = groups.get(group);
        if (existing != null && (existing.status() == GroupMember.Status.JOINING
                || existing.status() == GroupMember.Status.MEMBER)) {
            throw new IllegalStateException(self + " is already in group " + group);
        }
        GroupMember g = new GroupMember(group, self, cfg, links::enqueue, sink, rec, replies, breakage);
        groups.put(group, g);
        g.startJoin(nowNs, mayFoundAlone);
        g.doWork(nowNs, fd.suspects(), knownPeers);
        return g;
    }

    /** The machine for {@code group}, or null. */
    public GroupMember group(String group) {
        return groups.get(group);
    }

    /** Every group machine of this process. */
    public Collection<GroupMember> groups() {
        return groups.values();
    }

    /** The processes reachable for join requests (the transport's established peers). */
    public void setKnownPeers(Collection<MemberId> peers) {
        knownPeers.clear();
        knownPeers.addAll(peers);
        knownPeers.remove(self);
    }

    /** The peers known for join requests. */
    public Set<MemberId> knownPeers() {
        return java.util.Collections.unmodifiableSet(knownPeers);
    }

    /** A frame arrived from {@code from}. */
    public void onFrame(MemberId from, LinkFrame frame, long nowNs) {
        fd.heard(from, nowNs);
        knownPeers.add(from);
        List<GroupMessage> messages = links.onFrame(from, frame);
        for (GroupMessage m : messages) {
            GroupMember g = groups.get(m.group());
            if (g != null) {
                g.onMessage(from, m, nowNs);
            } else if (m instanceof JoinRequest jr && jr.joiner().equals(from)) {
                links.enqueue(from, new NoGroup(m.group(), 0, false));
            }
        }
    }

    /** The transport (re)established the link to {@code peer}. */
    public void onLinkUp(MemberId peer, long nowNs) {
        knownPeers.add(peer);
        links.onLinkUp(peer, nowNs);
    }

    /** The transport lost the link to {@code peer} (frames in flight may be lost). */
    public void onLinkDown(MemberId peer, long nowNs) {
        // Suspicion comes from silence only (PROTOCOL-NOTES §4.1); the link resends on reconnect.
    }

    /** Runs timers: failure detection, the groups' timers, heartbeats; then ends the pass. */
    public void doWork(long nowNs) {
        Set<MemberId> monitored = new LinkedHashSet<>();
        for (GroupMember g : groups.values()) {
            monitored.addAll(g.monitored());
        }
        monitored.remove(self);
        if (!monitored.equals(lastMonitored)) {
            fd.monitor(monitored, nowNs);
            for (MemberId gone : lastMonitored) {
                if (!monitored.contains(gone) && links.unackedFrames(gone) > 0 && fd.suspects().contains(gone)) {
                    links.forget(gone);
                }
            }
            lastMonitored = monitored;
        }
        fd.check(nowNs);
        for (GroupMember g : new ArrayList<>(groups.values())) {
            g.doWork(nowNs, fd.suspects(), knownPeers);
        }
        for (MemberId p : monitored) {
            links.heartbeat(p, nowNs, hbNs);
        }
        endOfPass(nowNs);
    }

    /** Ends an event batch: groups emit batched records and acks; queued messages leave as frames. */
    public void endOfPass(long nowNs) {
        for (GroupMember g : groups.values()) {
            g.endOfPass(nowNs);
        }
        links.flush(nowNs);
    }

    /** The failure detector's current suspects. */
    public Set<MemberId> suspects() {
        return fd.suspects();
    }
}
