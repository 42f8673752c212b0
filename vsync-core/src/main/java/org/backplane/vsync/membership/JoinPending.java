package org.backplane.vsync.membership;

/**
 * A member's answer to a join request: the group exists, the request is with the coordinator.
 *
 * @param group  the group
 * @param viewId the member's view
 */
public record JoinPending(String group, long viewId) implements MembershipMessage {
}
