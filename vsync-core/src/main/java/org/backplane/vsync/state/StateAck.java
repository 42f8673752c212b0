package org.backplane.vsync.state;

/**
 * The joiner has consumed chunks up to {@code seq}; the donor may send further (flow control).
 *
 * @param group  the group
 * @param viewId the transfer's view
 * @param seq    the last chunk consumed
 */
public record StateAck(String group, long viewId, long seq) implements StateMessage {
}
