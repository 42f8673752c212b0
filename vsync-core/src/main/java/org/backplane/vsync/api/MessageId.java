package org.backplane.vsync.api;

/**
 * The identity of one multicast: its sender, the view it was sent in and its per-sender sequence
 * number in that view (1, 2, 3, ...).
 *
 * @param sender the sending member
 * @param viewId the view the message was sent in (and, by V4, is delivered in)
 * @param seq    the sender's FIFO sequence number in that view
 */
public record MessageId(MemberId sender, long viewId, long seq) {

    @Override
    public String toString() {
        return sender + "/v" + viewId + "/" + seq;
    }
}
