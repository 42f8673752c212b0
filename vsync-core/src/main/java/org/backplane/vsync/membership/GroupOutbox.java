package org.backplane.vsync.membership;

import org.backplane.vsync.api.MemberId;
import org.backplane.vsync.transport.GroupMessage;

/** Where a group machine's messages to other processes go (the node's reliable links). */
public interface GroupOutbox {

    /** Queues {@code message} for {@code to}; never called with this process as {@code to}. */
    void send(MemberId to, GroupMessage message);
}
