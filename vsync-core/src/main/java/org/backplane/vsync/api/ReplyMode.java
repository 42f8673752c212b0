package org.backplane.vsync.api;

/**
 * How many replies a multicast waits for (the ISIS toolkit's reply modes). A member that fails
 * before replying ends the wait through the view change that drops it, never by a hang.
 */
public enum ReplyMode {
    /** No replies: the future completes when this member delivers its own message. */
    NONE,
    /** The first reply. */
    ONE,
    /** Replies from a majority of the view the message was sent in. */
    QUORUM,
    /** Replies from every member of that view that stays in the group. */
    ALL
}
