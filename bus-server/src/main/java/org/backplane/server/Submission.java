package org.backplane.server;

import org.backplane.client.protocol.PublishView;

import java.nio.ByteBuffer;

/**
 * A validated posting on its way from a session to the orderer: what the orderer puts in total
 * order and {@link Delivery} numbers and appends. The byte buffers usually point into the
 * network buffer the posting arrived in ({@code owner}); whoever finishes with the submission
 * (delivery, or a refusal) calls {@link #release()} exactly once.
 *
 * @param origin where the outcome (ack or nack) goes
 * @param producerId the publisher's producer id (0 = anonymous, no dedup)
 * @param producerSeq the publisher's sequence number for it
 * @param topic a valid topic name
 * @param key key bytes or null
 * @param headers encoded headers block or null
 * @param payload payload bytes
 * @param owner the network buffer holding the bytes, or null when they are on the heap
 */
record Submission(PublishOrigin origin, long producerId, long producerSeq, String topic, ByteBuffer key,
                  ByteBuffer headers, ByteBuffer payload, PublishView owner) {
    /** Returns the network buffer, if any. */
    void release() {
        if (owner != null) {
            owner.release();
        }
    }
}
