package org.backplane.vsync.multicast;

/**
 * A member's reply to a multicast that asked for replies; sent point-to-point to its sender.
 *
 * @param group   the group
 * @param viewId  the view the request was sent in
 * @param seq     the request's sequence number (its sender is the recipient of this reply)
 * @param payload the reply bytes (empty for a "null" reply)
 */
public record Reply(String group, long viewId, long seq, byte[] payload) implements MulticastMessage {

    @Override
    public int approxBytes() {
        return 24 + payload.length;
    }
}
