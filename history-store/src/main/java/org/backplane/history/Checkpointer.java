package org.backplane.history;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Index checkpoints (README "Recovery"): every {@code checkpointEveryEntries} appends (or
 * {@code checkpointInterval}) the writer captures, in O(topics + producers), the index segment
 * arrays with their published counts and the producer windows, and a background thread writes
 * them to {@code index.ckpt} (temp file, fsync, atomic rename). Segments are append-only, so
 * the background thread reads exactly the captured slots. Opening loads the checkpoint and
 * replays only the log after the position it covers.
 */
final class Checkpointer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Checkpointer.class);
  private static final int MAGIC = 0x42504958; // "BPIX"
  private static final int VERSION = 1;

  private final Path file;
  private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "history-checkpoint");
    t.setDaemon(true);
    return t;
  });
  private long appendsSince;
  private long lastMillis = Long.MIN_VALUE;
  private boolean soon;
  private Future<?> running;

  Checkpointer(Path file) {
    this.file = file;
  }

  void appended() {
    appendsSince++;
  }

  void requestSoon() {
    soon = true;
  }

  /** Writer: starts a background checkpoint when one is due and none is running. */
  void maybeStart(HistoryStore store, long nowMillis) {
    HistoryConfig c = store.config();
    if (lastMillis == Long.MIN_VALUE) {
      lastMillis = nowMillis;
    }
    boolean due = soon
        || (c.checkpointEveryEntries() > 0 && appendsSince >= c.checkpointEveryEntries())
        || (appendsSince > 0 && nowMillis - lastMillis >= c.checkpointInterval().toMillis());
    if (!due || (running != null && !running.isDone())) {
      return;
    }
    Snapshot snap = capture(store);
    appendsSince = 0;
    soon = false;
    lastMillis = nowMillis;
    running = worker.submit(() -> {
      try {
        write(snap);
      } catch (IOException | RuntimeException e) {
        log.warn("history: index checkpoint failed: {}", e.toString());
      }
    });
  }

  /** Writes a checkpoint on the calling thread (close). */
  void writeNow(HistoryStore store) throws IOException {
    write(capture(store));
    appendsSince = 0;
  }

  void awaitIdle() {
    Future<?> f = running;
    if (f != null) {
      try {
        f.get(60, TimeUnit.SECONDS);
      } catch (Exception e) {
        log.warn("history: waiting for the index checkpoint: {}", e.toString());
      }
    }
  }

  @Override
  public void close() {
    worker.shutdown();
  }

  /** What a checkpoint holds, captured on the writer thread. */
  record Snapshot(long coveredIndex, int rollMillis, List<TopicSnap> topics,
                  List<ProducerSnap> producers) {
  }

  record TopicSnap(int id, long lastSeq, long lastTs, long firstSeq,
                   TopicIndex.Segment[] segments, int[] counts) {
  }

  record ProducerSnap(long id, long highest, long[][] entries) {
  }

  private static Snapshot capture(HistoryStore store) {
    List<TopicSnap> topics = new ArrayList<>();
    for (TopicState t : store.topicTable().all()) {
      TopicIndex.Segment[] segs = t.index.segmentsSnapshot();
      int[] counts = new int[segs.length];
      for (int i = 0; i < segs.length; i++) {
        counts[i] = segs[i].published();
      }
      topics.add(new TopicSnap(t.id, t.index.lastSeq(), t.index.lastTimestampMillis(),
          t.index.firstSeqBound(), segs, counts));
    }
    List<ProducerSnap> producers = new ArrayList<>();
    for (Map.Entry<Long, ProducerTable.Window> e : store.producerTable().windows().entrySet()) {
      producers.add(new ProducerSnap(e.getKey(), e.getValue().highest, e.getValue().entries()));
    }
    long covered = store.lastAppendedIndex();
    return new Snapshot(covered, store.rollCycle().lengthInMillis(), topics, producers);
  }

  private void write(Snapshot s) throws IOException {
    long t0 = System.nanoTime();
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    long entries = 0;
    try (OutputStream fo = Files.newOutputStream(tmp)) {
      CheckedOutputStream co = new CheckedOutputStream(new BufferedOutputStream(fo, 1 << 16), new CRC32C());
      DataOutputStream out = new DataOutputStream(co);
      out.writeInt(MAGIC);
      out.writeInt(VERSION);
      out.writeLong(s.coveredIndex());
      out.writeInt(s.rollMillis());
      out.writeInt(s.topics().size());
      for (TopicSnap t : s.topics()) {
        out.writeInt(t.id());
        out.writeLong(t.lastSeq());
        out.writeLong(t.lastTs());
        out.writeLong(t.firstSeq());
        int live = 0;
        for (int i = 0; i < t.segments().length; i++) {
          TopicIndex.Segment seg = t.segments()[i];
          for (int slot = 0; slot < t.counts()[i]; slot++) {
            if (seg.posOffsets[slot] != TopicIndex.DEAD && seg.seqAt(slot) >= t.firstSeq()) {
              live++;
            }
          }
        }
        out.writeInt(live);
        for (int i = 0; i < t.segments().length; i++) {
          TopicIndex.Segment seg = t.segments()[i];
          for (int slot = 0; slot < t.counts()[i]; slot++) {
            long pos = seg.positionAt(slot);
            long seq = seg.seqAt(slot);
            if (pos >= 0 && seq >= t.firstSeq() && live > 0) {
              out.writeLong(seq);
              out.writeLong(pos);
              out.writeInt(seg.sizes[slot]);
              live--;
              entries++;
            }
          }
        }
        while (live-- > 0) { // a slot died while writing: keep the count honest
          out.writeLong(-1);
          out.writeLong(-1);
          out.writeInt(0);
        }
      }
      out.writeInt(s.producers().size());
      for (ProducerSnap p : s.producers()) {
        out.writeLong(p.id());
        out.writeLong(p.highest());
        out.writeInt(p.entries().length);
        for (long[] e : p.entries()) {
          out.writeLong(e[0]);
          out.writeInt((int) e[1]);
          out.writeLong(e[2]);
        }
      }
      out.flush();
      long crc = co.getChecksum().getValue();
      out.writeLong(crc);
      out.flush();
    }
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    log.debug("history: index checkpoint of {} entries, {} topics written in {} ms", entries,
        s.topics().size(), (System.nanoTime() - t0) / 1_000_000);
  }

  /** A loaded checkpoint, consumed by {@link Recovery}. */
  interface Loader {
    void topic(int id, long lastSeq, long lastTs, long firstSeq);

    void entry(int id, long seq, long pos, int size);

    void producer(long id, long highest);

    void producerEntry(long id, long producerSeq, int topicId, long seq);
  }

  /** Reads the checkpoint; returns the covered index, or Long.MIN_VALUE if there is none usable. */
  static long load(Path file, int rollMillis, Loader loader) throws IOException {
    if (!Files.exists(file) || !intact(file)) {
      return Long.MIN_VALUE;
    }
    try (InputStream fi = Files.newInputStream(file)) {
      DataInputStream in = new DataInputStream(new BufferedInputStream(fi, 1 << 16));
      if (in.readInt() != MAGIC || in.readInt() != VERSION) {
        return Long.MIN_VALUE;
      }
      long covered = in.readLong();
      if (in.readInt() != rollMillis) {
        return Long.MIN_VALUE;
      }
      int topics = in.readInt();
      for (int i = 0; i < topics; i++) {
        int id = in.readInt();
        long lastSeq = in.readLong();
        long lastTs = in.readLong();
        long firstSeq = in.readLong();
        loader.topic(id, lastSeq, lastTs, firstSeq);
        int n = in.readInt();
        for (int k = 0; k < n; k++) {
          long seq = in.readLong();
          long pos = in.readLong();
          int size = in.readInt();
          if (seq >= 0) {
            loader.entry(id, seq, pos, size);
          }
        }
      }
      int producers = in.readInt();
      for (int i = 0; i < producers; i++) {
        long id = in.readLong();
        long highest = in.readLong();
        loader.producer(id, highest);
        int n = in.readInt();
        for (int k = 0; k < n; k++) {
          long pseq = in.readLong();
          int topicId = in.readInt();
          long seq = in.readLong();
          loader.producerEntry(id, pseq, topicId, seq);
        }
      }
      return covered;
    }
  }

  /** True when the file's trailing CRC32C matches its content. */
  private static boolean intact(Path file) throws IOException {
    long size = Files.size(file);
    if (size < 8) {
      return false;
    }
    try (InputStream fi = Files.newInputStream(file)) {
      CRC32C crc = new CRC32C();
      byte[] buf = new byte[1 << 16];
      long left = size - 8;
      while (left > 0) {
        int r = fi.read(buf, 0, (int) Math.min(buf.length, left));
        if (r < 0) {
          return false;
        }
        crc.update(buf, 0, r);
        left -= r;
      }
      long stored = new DataInputStream(fi).readLong();
      return stored == crc.getValue();
    }
  }
}
