package org.backplane.history;

/**
 * The writer's handle on one topic, returned by {@link HistoryStore#topic}. Cheap to keep;
 * valid for the life of the store that returned it. Only the writer thread uses it.
 */
public final class TopicLog {
  final TopicState state;

  TopicLog(TopicState state) {
    this.state = state;
  }

  /** The topic name. */
  public String name() {
    return state.name;
  }

  /** The last seq appended to the topic (0 for none). */
  public long lastSeq() {
    return state.index.lastSeq();
  }

  @Override
  public String toString() {
    return "TopicLog[" + state.name + "]";
  }
}
