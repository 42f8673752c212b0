package org.backplane.vsync.api;

/**
 * One delivered multicast. Handed to {@link GroupListener#onDeliver(Delivery)} on the group's
 * delivery thread; {@link #reply(byte[])} may be called from that thread (during or after the
 * callback) to answer a multicast that asked for replies.
 */
public final class Delivery {

    /** Sends replies for a delivered message; provided by the runtime that delivers it. */
    public interface ReplyChannel {
        /** Sends {@code payload} as this member's reply to {@code id}. */
        void reply(MessageId id, byte[] payload);
    }

    private final MessageId id;
    private final Ordering ordering;
    private final boolean safe;
    private final long position;
    private final byte[] payload;
    private final boolean wantsReply;
    private final ReplyChannel replies;
    private boolean replied;

    /**
     * Creates a delivery (the engine does this; applications only read it).
     *
     * @param id         the message id
     * @param ordering   CBCAST or ABCAST
     * @param safe       whether delivery waited until every member held the message
     * @param position   for ABCAST, the message's position in the view's total order (1, 2, ...); 0 for CBCAST
     * @param payload    the bytes sent (not copied)
     * @param wantsReply whether the sender waits for replies
     * @param replies    where {@link #reply(byte[])} sends to
     */
    public Delivery(MessageId id, Ordering ordering, boolean safe, long position, byte[] payload,
                    boolean wantsReply, ReplyChannel replies) {
        this.id = id;
        this.ordering = ordering;
        this.safe = safe;
        this.position = position;
        this.payload = payload;
        this.wantsReply = wantsReply;
        this.replies = replies;
    }

    /** The message id (sender, view, sequence number). */
    public MessageId id() {
        return id;
    }

    /** The sending member. */
    public MemberId sender() {
        return id.sender();
    }

    /** The view the message was sent and delivered in. */
    public long viewId() {
        return id.viewId();
    }

    /** CBCAST or ABCAST. */
    public Ordering ordering() {
        return ordering;
    }

    /** Whether this delivery waited until every member of the view held the message (uniform). */
    public boolean safe() {
        return safe;
    }

    /** For ABCAST, the position in the view's total order (1, 2, ...); 0 for CBCAST. */
    public long position() {
        return position;
    }

    /** The payload. The array is the engine's; do not modify it. */
    public byte[] payload() {
        return payload;
    }

    /** Whether the sender waits for replies to this message. */
    public boolean wantsReply() {
        return wantsReply;
    }

    /**
     * Replies to the sender. At most one reply per delivery counts; a delivery the listener does
     * not reply to is answered with an empty ("null") reply when the callback returns.
     */
    public synchronized void reply(byte[] payload) {
        if (!wantsReply || replied) {
            return;
        }
        replied = true;
        replies.reply(id, payload);
    }

    /** Sends the empty reply if the listener did not reply (called by the runtime after the callback). */
    public synchronized void replyIfUnanswered() {
        if (wantsReply && !replied) {
            replied = true;
            replies.reply(id, new byte[0]);
        }
    }

    @Override
    public String toString() {
        return ordering + "(" + id + (position > 0 ? " @" + position : "") + ", " + payload.length + " B)";
    }
}
