package org.backplane.history;

import java.nio.ByteBuffer;

/**
 * One stored posting as a cursor delivers it: a flyweight over the mapped log, valid only
 * inside {@link EntryHandler#onEntry}. Accessors do not allocate except {@link #key()},
 * {@link #headers()} and {@link #payload()}; {@link #topic()} returns an interned name from
 * the store's topic table.
 */
public interface Entry {
  /** The topic name (the same String instance for every entry of the topic). */
  String topic();

  /** The topic sequence number: 1, 2, 3, ... (compacted topics have holes). */
  long seq();

  /** The timestamp the writer appended with, in milliseconds since the epoch. */
  long timestampMillis();

  /** The producer id given at append; 0 = anonymous. */
  long producerId();

  /** The producer's sequence number given at append. */
  long producerSeq();

  /** Length of the key in bytes, or -1 when the entry has no key. */
  int keyLength();

  /** Length of the headers in bytes, or -1 when the entry has no headers. */
  int headersLength();

  /** Length of the payload in bytes (0 or more). */
  int payloadLength();

  /**
   * Copies the key into {@code dst} at its position, advancing it. Does nothing for an absent key.
   *
   * @throws java.nio.BufferOverflowException if {@code dst} has less room than {@link #keyLength()}
   */
  void copyKey(ByteBuffer dst);

  /** Copies the headers into {@code dst} at its position, advancing it; nothing if absent. */
  void copyHeaders(ByteBuffer dst);

  /** Copies the payload into {@code dst} at its position, advancing it. */
  void copyPayload(ByteBuffer dst);

  /** The key as a new array, or {@code null} when absent. Allocates. */
  byte[] key();

  /** The headers as a new array, or {@code null} when absent. Allocates. */
  byte[] headers();

  /** The payload as a new array. Allocates. */
  byte[] payload();
}
