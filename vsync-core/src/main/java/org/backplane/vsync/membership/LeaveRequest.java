package org.backplane.vsync.membership;

/**
 * A member asks to leave cleanly; sent to every member, acted on by the coordinator.
 *
 * @param group  the group
 * @param viewId the member's view
 */
public record LeaveRequest(String group, long viewId) implements MembershipMessage {
}
