package org.backplane.vsync.membership;

import org.backplane.vsync.api.MemberId;

/**
 * A process asks to join; sent to every known peer, forwarded by members to their coordinator.
 *
 * @param group  the group
 * @param viewId 0 (the joiner has no view)
 * @param joiner the process joining (a fresh incarnation)
 */
public record JoinRequest(String group, long viewId, MemberId joiner) implements MembershipMessage {
}
