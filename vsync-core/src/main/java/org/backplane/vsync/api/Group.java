package org.backplane.vsync.api;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * This process's membership in one named group. Obtained from {@code VsyncNode.join} or, in
 * simulation, {@code SimProcess.join}. Every method may be called from any thread (with the
 * simulator: from the simulation thread); multicasts made from one thread are sent in the order
 * made. When the member's send window is full (its oldest messages are not yet held by every
 * member) a multicast call blocks the calling thread until the window opens: back-pressure, not
 * unbounded buffering. In simulation calls never block; the machine queues them instead.
 */
public interface Group {

    /** The group name. */
    String name();

    /** This member's identity (node and incarnation). */
    MemberId self();

    /** The view this member has installed most recently, or {@code null} while it is joining. */
    View view();

    /**
     * Completes with the first view this member installs, after the listener's
     * {@link GroupListener#onView} for it has returned (exceptionally if the join is abandoned).
     * Completed on the group's delivery thread.
     */
    CompletableFuture<View> joined();

    /**
     * Multicasts one message.
     *
     * @param ordering CBCAST (causal) or ABCAST (causal total order)
     * @param payload  the bytes; the caller must not modify them afterwards
     * @param replies  how many replies to wait for
     * @param safe     deliver only once every member of the view holds the message (uniform
     *                 delivery: a member that delivers and then fails cannot have delivered
     *                 something the survivors do not)
     * @return completes with the replies, or, for {@link ReplyMode#NONE}, when this member
     *         delivers the message; completes exceptionally if this member leaves or is
     *         excluded first
     */
    CompletableFuture<Replies> multicast(Ordering ordering, byte[] payload, ReplyMode replies, boolean safe);

    /**
     * Multicasts many messages with one hand-over (the cheap path for high rates). The messages
     * are sent in list order with no replies requested.
     *
     * @return completes when this member delivers the last of them
     */
    CompletableFuture<Replies> multicastAll(Ordering ordering, List<byte[]> payloads, boolean safe);

    /** CBCAST without replies. */
    default CompletableFuture<Replies> cbcast(byte[] payload) {
        return multicast(Ordering.CBCAST, payload, ReplyMode.NONE, false);
    }

    /** ABCAST without replies. */
    default CompletableFuture<Replies> abcast(byte[] payload) {
        return multicast(Ordering.ABCAST, payload, ReplyMode.NONE, false);
    }

    /** CBCAST waiting for {@code mode} replies. */
    default CompletableFuture<Replies> cbcast(byte[] payload, ReplyMode mode) {
        return multicast(Ordering.CBCAST, payload, mode, false);
    }

    /** ABCAST waiting for {@code mode} replies. */
    default CompletableFuture<Replies> abcast(byte[] payload, ReplyMode mode) {
        return multicast(Ordering.ABCAST, payload, mode, false);
    }

    /**
     * Leaves the group cleanly: the member takes part in one last flush, so everything it sent
     * is delivered to the survivors, then stops. Completes when it is out of the view.
     */
    CompletableFuture<Void> leave();
}
