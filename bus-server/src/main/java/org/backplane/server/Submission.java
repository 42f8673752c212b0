package org.backplane.server;

/**
 * A validated posting on its way from a session to the orderer: what the orderer puts in total
 * order and {@link Delivery} numbers and appends. Arrays are owned by the submission.
 *
 * @param origin where the outcome (ack or nack) goes
 * @param producerId the publisher's producer id (0 = anonymous, no dedup)
 * @param producerSeq the publisher's sequence number for it
 * @param topic a valid topic name
 * @param key key bytes or null
 * @param headers encoded headers block or null
 * @param payload payload bytes
 */
record Submission(PublishOrigin origin, long producerId, long producerSeq, String topic, byte[] key, byte[] headers,
                  byte[] payload) {}
