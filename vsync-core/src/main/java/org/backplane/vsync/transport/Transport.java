package org.backplane.vsync.transport;

import org.backplane.vsync.api.MemberId;

/**
 * The port the engine sends through: point-to-point, FIFO while the link is up, with frames
 * possibly lost when a link breaks (the engine's {@code ReliableLinks} retransmit after it is up
 * again). Implemented by {@code SimNetwork} and {@code NettyTransport}. Called only on the
 * engine thread of the sending process.
 */
public interface Transport {

    /** Sends a frame to a peer; never blocks, never throws for an unreachable peer. */
    void send(MemberId to, LinkFrame frame);
}
