package org.backplane.vsync.membership;

import org.backplane.vsync.api.Delivery;
import org.backplane.vsync.api.MemberId;
import org.backplane.vsync.api.Replies;
import org.backplane.vsync.api.ViewChange;

/**
 * The effects a {@link GroupMember} has on its application side, in history order. Called on
 * the engine thread (or the simulation thread); the runtime's implementation queues them for the
 * group's delivery thread, the simulator's calls the listener at once.
 */
public interface GroupSink {

    /** A view was installed. */
    void onView(ViewChange change);

    /** A message was delivered. */
    void onDeliver(Delivery delivery);

    /**
     * This member is the donor for {@code joiner}: take the state now (nothing of view
     * {@code viewId} has been delivered yet) and write it with {@link GroupMember#stateChunk}.
     */
    void onGetState(MemberId joiner, long viewId);

    /** A state transfer as of view {@code viewId} starts for this member (discard any partial one). */
    void onSetStateBegin(long viewId);

    /** The next chunk of the state; acknowledge it with {@link GroupMember#stateChunkConsumed} once used. */
    void onStateChunk(long viewId, long seq, byte[] bytes, boolean last);

    /** This member lost (true) or regained (false) sight of a majority of its view. */
    void onQuorum(boolean lost);

    /** This member was excluded, or left ({@code left == true}); it is inert from now on. */
    void onStopped(boolean left, String why);

    /**
     * {@code count} more of this member's own messages are held by every member of their view (or
     * their view closed): the sender's window has room for that many more.
     */
    void onWindowFreed(long count);

    /** The joiner consumed one more chunk of the state this member is giving it. */
    void onStateAcked(MemberId joiner);

    /** The transfer to {@code joiner} was abandoned (the joiner left the view). */
    void onStateAborted(MemberId joiner);

    /**
     * How many events handed to the application are not yet consumed. While this exceeds the
     * send window the member stops acknowledging receipt, so senders feel the slowest consumer
     * (back-pressure end to end, not a growing queue).
     */
    long backlog();

    /** A multicast's wait ended. */
    void onMulticastDone(Object handle, Replies replies);

    /** A multicast could not be sent or its wait could not end normally. */
    void onMulticastFailed(Object handle, String why);
}
