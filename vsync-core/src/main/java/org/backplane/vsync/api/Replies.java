package org.backplane.vsync.api;

import java.util.List;
import java.util.Map;

/**
 * The outcome of a multicast: the replies gathered (a member that delivered the message without
 * replying is listed with an empty array) and the members that left the view before replying.
 *
 * @param messageId the id the multicast was given
 * @param replies   replies by member, in arrival order
 * @param departed  members the wait stopped counting because a view change removed them
 */
public record Replies(MessageId messageId, Map<MemberId, byte[]> replies, List<MemberId> departed) {

    /** Copies the collections. */
    public Replies {
        replies = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(replies));
        departed = List.copyOf(departed);
    }
}
