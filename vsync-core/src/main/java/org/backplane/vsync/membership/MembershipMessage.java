package org.backplane.vsync.membership;

import org.backplane.vsync.transport.GroupMessage;

/** The membership concern's messages: joins, leaves, suspicions. */
public sealed interface MembershipMessage extends GroupMessage
        permits JoinRequest, JoinPending, NoGroup, LeaveRequest, Suspect {
}
