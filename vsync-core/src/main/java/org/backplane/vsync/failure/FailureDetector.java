package org.backplane.vsync.failure;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.backplane.vsync.api.MemberId;

/**
 * Heartbeat failure detection shared by every group of a process (ARCHITECTURE "membership";
 * PROTOCOL-NOTES §4.1, FD_ALL style): any frame from a peer counts as a heartbeat; a peer not
 * heard from for the timeout is suspected, and unsuspected if it is heard again. Whether a
 * suspicion turns into an exclusion is the group coordinator's business. No clock reads.
 */
public final class FailureDetector {

    private static final Logger LOG = LoggerFactory.getLogger(FailureDetector.class);

    private final MemberId self;
    private final long timeoutNs;
    private final Map<MemberId, Long> lastHeardNs = new LinkedHashMap<>();
    private final Set<MemberId> suspected = new TreeSet<>();

    /** @param timeoutNs silence after which a peer is suspected */
    public FailureDetector(MemberId self, long timeoutNs) {
        this.self = self;
        this.timeoutNs = timeoutNs;
    }

    /** Sets the peers to watch; new ones get a full timeout of grace from {@code nowNs}. */
    public void monitor(Collection<MemberId> peers, long nowNs) {
        lastHeardNs.keySet().retainAll(peers);
        suspected.retainAll(peers);
        for (MemberId p : peers) {
            if (!p.equals(self)) {
                lastHeardNs.putIfAbsent(p, nowNs);
            }
        }
    }

    /** A frame arrived from {@code peer}. */
    public void heard(MemberId peer, long nowNs) {
        if (lastHeardNs.containsKey(peer)) {
            lastHeardNs.put(peer, nowNs);
            if (suspected.remove(peer)) {
                LOG.info("{} no longer suspects {} (heard again)", self, peer);
            }
        }
    }

    /** Re-evaluates suspicions; returns whether the suspect set changed. */
    public boolean check(long nowNs) {
        boolean changed = false;
        for (Map.Entry<MemberId, Long> e : new ArrayList<>(lastHeardNs.entrySet())) {
            if (nowNs - e.getValue() > timeoutNs && suspected.add(e.getKey())) {
                LOG.info("{} suspects {} (silent for {} ms)", self, e.getKey(), (nowNs - e.getValue()) / 1_000_000);
                changed = true;
            }
        }
        return changed;
    }

    /** The peers currently suspected. */
    public Set<MemberId> suspects() {
        return java.util.Collections.unmodifiableSet(suspected);
    }

    /** The peers watched. */
    public Set<MemberId> monitored() {
        return java.util.Collections.unmodifiableSet(lastHeardNs.keySet());
    }
}
