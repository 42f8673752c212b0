package org.backplane.history;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The table of topic names by id (README "Topics"). Ids are dense ints in creation order,
 * persisted in {@code topics.dat} as {@code [int length][UTF-8 name]} records, so a log record
 * names its topic with 4 bytes and a reader maps the id back to the same String instance.
 * A name is persisted before any record that uses its id is appended. A torn last record
 * (crash) is cut off when the table is opened.
 *
 * <p>Created and grown by the writer thread; looked up from any thread.
 */
final class TopicTable implements AutoCloseable {
  private final FileChannel file;
  private final Function<String, RetentionPolicy> retention;
  private final ConcurrentHashMap<String, TopicState> byName = new ConcurrentHashMap<>();
  private volatile TopicState[] byId = new TopicState[64];
  private volatile int size;
  private boolean dirty;
  /** Writer: topics whose policy has a maxAge, visited by maintain. */
  private final List<TopicState> aged = new ArrayList<>();
  /** Writer: topics with compaction, visited when reclaiming files. */
  private final List<TopicState> compacted = new ArrayList<>();

  TopicTable(Path path, Function<String, RetentionPolicy> retention) throws IOException {
    this.retention = retention;
    this.file = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    load();
  }

  private void load() throws IOException {
    long length = file.size();
    ByteBuffer all = ByteBuffer.allocate((int) length);
    while (all.hasRemaining() && file.read(all, all.position()) > 0) {
      // read fully
    }
    all.flip();
    long good = 0;
    while (all.remaining() >= 4) {
      int len = all.getInt(all.position());
      if (len < 0 || len > all.remaining() - 4) {
        break;
      }
      all.position(all.position() + 4);
      byte[] name = new byte[len];
      all.get(name);
      register(new String(name, StandardCharsets.UTF_8));
      good = all.position();
    }
    if (good < length) {
      file.truncate(good);
    }
    file.position(good);
  }

  private TopicState register(String name) {
    int id = size;
    TopicState state = new TopicState(name, id, policyFor(name));
    TopicState[] table = byId;
    if (id == table.length) {
      table = Arrays.copyOf(table, table.length * 2);
    }
    table[id] = state;
    byId = table;
    byName.put(name, state);
    size = id + 1;
    if (state.policy.maxAge() != null) {
      aged.add(state);
    }
    if (state.compacted()) {
      compacted.add(state);
    }
    return state;
  }

  private RetentionPolicy policyFor(String name) {
    RetentionPolicy p = retention.apply(name);
    return p == null ? RetentionPolicy.KEEP_ALL : p;
  }

  /** Writer: the topic, creating and persisting it if new. */
  TopicState getOrCreate(String name) throws IOException {
    TopicState t = byName.get(name);
    if (t != null) {
      return t;
    }
    byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
    ByteBuffer rec = ByteBuffer.allocate(4 + bytes.length).putInt(bytes.length).put(bytes).flip();
    long start = file.position();
    try {
      while (rec.hasRemaining()) {
        file.write(rec);
      }
    } catch (IOException e) {
      file.truncate(start);
      file.position(start);
      throw e;
    }
    dirty = true;
    return register(name);
  }

  /** Any thread: the topic, or null. */
  TopicState get(String name) {
    return byName.get(name);
  }

  /** Any thread: the topic with id {@code id}, or null if not (yet) known. */
  TopicState get(int id) {
    int n = size; // read before the array: the array published with it is at least as new
    TopicState[] table = byId;
    return id >= 0 && id < n ? table[id] : null;
  }

  /** Any thread: how many topics exist. */
  int size() {
    return size;
  }

  /** Any thread: all topics, in id order. */
  List<TopicState> all() {
    int n = size;
    TopicState[] table = byId;
    List<TopicState> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(table[i]);
    }
    return out;
  }

  /** Writer: the topics whose policy limits age. */
  List<TopicState> aged() {
    return aged;
  }

  /** Writer: the compacted topics. */
  List<TopicState> compacted() {
    return compacted;
  }

  /** Writer: forces new names to disk. */
  void force() throws IOException {
    if (dirty) {
      file.force(false);
      dirty = false;
    }
  }

  @Override
  public void close() throws IOException {
    file.close();
  }
}
