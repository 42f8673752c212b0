package org.backplane.vsync.multicast;

import org.backplane.vsync.api.Ordering;

/**
 * One multicast in one view (PROTOCOL-NOTES §1.1, §2.4). The vector timestamp {@code vt} is
 * indexed by rank in the view: {@code vt[senderRank] == seq} and, for every other rank, the
 * number of that member's messages the sender had delivered when it sent this one. That makes
 * causal order checkable at every receiver and lets ABCAST ride on the same stream.
 *
 * @param group      the group
 * @param viewId     the sending view
 * @param senderRank the sender's rank in that view
 * @param seq        the sender's FIFO number in the view (1, 2, ...)
 * @param vt         the vector timestamp (length = view size); not copied, never modified
 * @param ordering   CBCAST or ABCAST
 * @param safe       deliver only when stable (held by every member)
 * @param wantsReply whether the sender waits for replies
 * @param payload    the application bytes; not copied, never modified
 */
public record Data(String group, long viewId, int senderRank, long seq, long[] vt,
                   org.backplane.vsync.api.Ordering ordering, boolean safe, boolean wantsReply,
                   byte[] payload) implements MulticastMessage {

    @Override
    public int approxBytes() {
        return 48 + group.length() + vt.length * 8 + payload.length;
    }

    /** Whether this message is an ABCAST. */
    public boolean abcast() {
        return ordering == Ordering.ABCAST;
    }

    @Override
    public String toString() {
        return "Data(" + group + " v" + viewId + " r" + senderRank + "#" + seq + " " + ordering
                + (safe ? " safe" : "") + " vt=" + java.util.Arrays.toString(vt) + ")";
    }
}
