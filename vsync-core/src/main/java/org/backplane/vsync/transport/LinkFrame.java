package org.backplane.vsync.transport;

import java.util.List;

/**
 * What travels on a link between two processes: a batch of group messages with the link's own
 * sequence number and a cumulative acknowledgement of the reverse direction. Frames with
 * {@code seq == 0} are unsequenced heartbeats or bare acknowledgements and carry no messages.
 * See {@code org.backplane.vsync.link.ReliableLinks} for how they make a link reliable across
 * breaks and reconnects.
 *
 * @param seq      the link sequence number (1, 2, ...), or 0 for an unsequenced frame
 * @param ack      the highest sequence number received in order from the other side
 * @param messages the batch, in send order
 */
public record LinkFrame(long seq, long ack, List<GroupMessage> messages) {

    /** Copies the list. */
    public LinkFrame {
        messages = List.copyOf(messages);
        if (seq == 0 && !messages.isEmpty()) {
            throw new IllegalArgumentException("an unsequenced frame carries no messages");
        }
    }
}
