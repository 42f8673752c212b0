package org.backplane.history;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Everything the store keeps in memory for one topic: its id in the topic table, its index,
 * its retention policy and, for compacted topics, the latest seq per key (README "Retention
 * and compaction"). Written by the writer thread; {@link #index} is readable from any thread.
 */
final class TopicState {
  final String name;
  final int id;
  final TopicIndex index = new TopicIndex();
  final RetentionPolicy policy;
  /** Compacted topics: latest seq per key (keys held as read-only heap buffers). */
  final Map<ByteBuffer, Long> latestByKey;
  /** Compacted topics with limits: retained keyless seqs, oldest first. */
  final ArrayDeque<Long> keyless;
  /** Compacted topics: stored bytes of retained keyless entries. */
  long keylessBytes;
  /** The writer's handle, created with the topic. */
  final TopicLog handle = new TopicLog(this);

  TopicState(String name, int id, RetentionPolicy policy) {
    this.name = name;
    this.id = id;
    this.policy = policy;
    this.latestByKey = policy.compactByKey() ? new HashMap<>() : null;
    this.keyless = policy.compactByKey() ? new ArrayDeque<>() : null;
  }

  boolean compacted() {
    return latestByKey != null;
  }

  /** A snapshot of the topic's counters (any thread). */
  TopicInfo info() {
    TopicIndex ix = index;
    long last = ix.lastSeq();
    long count = ix.retainedCount();
    long first = count == 0 ? last + 1 : ix.firstSeqBound();
    return new TopicInfo(name, first, last, count, ix.retainedBytes(), ix.lastTimestampMillis());
  }
}
