package org.backplane.history;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
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
  private static final int VERSION = 2;

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

  /** Buffered little-endian output to a file channel, with a running CRC32C. */
  private static final class Out implements AutoCloseable {
    private final FileChannel ch;
    private final ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
    private final CRC32C crc = new CRC32C();

    Out(FileChannel ch) {
      this.ch = ch;
    }

    private void room(int bytes) throws IOException {
      if (buf.remaining() < bytes) {
        flush();
      }
    }

    void putInt(int v) throws IOException {
      room(4);
      buf.putInt(v);
    }

    void putLong(long v) throws IOException {
      room(8);
      buf.putLong(v);
    }

    void putInts(int[] a, int n) throws IOException {
      int off = 0;
      while (off < n) {
        room(4);
        int k = Math.min(n - off, buf.remaining() / 4);
        buf.asIntBuffer().put(a, off, k);
        buf.position(buf.position() + 4 * k);
        off += k;
      }
    }

    void flush() throws IOException {
      buf.flip();
      crc.update(buf.duplicate());
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      buf.clear();
    }

    @Override
    public void close() throws IOException {
      flush();
      buf.putLong(crc.getValue());
      buf.flip();
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    }
  }

  private void write(Snapshot s) throws IOException {
    long t0 = System.nanoTime();
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    long slots = 0;
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING); Out out = new Out(ch)) {
      out.putInt(MAGIC);
      out.putInt(VERSION);
      out.putLong(s.coveredIndex());
      out.putInt(s.rollMillis());
      out.putInt(s.topics().size());
      for (TopicSnap t : s.topics()) {
        out.putInt(t.id());
        out.putLong(t.lastSeq());
        out.putLong(t.lastTs());
        out.putLong(t.firstSeq());
        out.putInt(t.segments().length);
        for (int i = 0; i < t.segments().length; i++) {
          TopicIndex.Segment seg = t.segments()[i];
          int n = t.counts()[i];
          out.putLong(seg.baseSeq);
          out.putLong(seg.basePos);
          out.putInt(n);
          out.putInt(seg.seqOffsets == null ? 0 : 1);
          if (seg.seqOffsets != null) {
            out.putInts(seg.seqOffsets, n);
          }
          out.putInts(seg.posOffsets, n);
          out.putInts(seg.sizes, n);
          slots += n;
        }
      }
      out.putInt(s.producers().size());
      for (ProducerSnap p : s.producers()) {
        out.putLong(p.id());
        out.putLong(p.highest());
        out.putInt(p.entries().length);
        for (long[] e : p.entries()) {
          out.putLong(e[0]);
          out.putInt((int) e[1]);
          out.putLong(e[2]);
        }
      }
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    log.debug("history: index checkpoint of {} slots, {} topics written in {} ms", slots,
        s.topics().size(), (System.nanoTime() - t0) / 1_000_000);
  }

  /** A loaded checkpoint, consumed by {@link Recovery}. */
  interface Loader {
    /** A topic's segments and counters. */
    void topic(int id, long lastSeq, long lastTs, long firstSeq, TopicIndex.Segment[] segments);

    void producer(long id, long highest);

    void producerEntry(long id, long producerSeq, int topicId, long seq);
  }

  /**
   * Reads the checkpoint if it is intact (trailing CRC32C over the whole content); returns the
   * covered log index, or Long.MIN_VALUE when there is no usable checkpoint. Nothing is passed
   * to {@code loader} unless the checksum matches.
   */
  static long load(Path file, int rollMillis, Loader loader) throws IOException {
    if (!Files.exists(file)) {
      return Long.MIN_VALUE;
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < 32) {
        return Long.MIN_VALUE;
      }
      MappedByteBuffer map = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
      map.order(ByteOrder.LITTLE_ENDIAN);
      CRC32C crc = new CRC32C();
      crc.update(map.duplicate().limit((int) (size - 8)));
      if (crc.getValue() != map.getLong((int) (size - 8))) {
        log.warn("history: index checkpoint {} fails its checksum; ignoring it", file);
        return Long.MIN_VALUE;
      }
      ByteBuffer in = map.limit((int) (size - 8));
      if (in.getInt() != MAGIC || in.getInt() != VERSION) {
        return Long.MIN_VALUE;
      }
      long covered = in.getLong();
      if (in.getInt() != rollMillis) {
        return Long.MIN_VALUE;
      }
      int topics = in.getInt();
      for (int i = 0; i < topics; i++) {
        int id = in.getInt();
        long lastSeq = in.getLong();
        long lastTs = in.getLong();
        long firstSeq = in.getLong();
        TopicIndex.Segment[] segs = new TopicIndex.Segment[in.getInt()];
        for (int k = 0; k < segs.length; k++) {
          long baseSeq = in.getLong();
          long basePos = in.getLong();
          int n = in.getInt();
          boolean sparse = in.getInt() != 0;
          TopicIndex.Segment seg = new TopicIndex.Segment(baseSeq, basePos, Math.max(n, 1), sparse);
          if (sparse) {
            getInts(in, seg.seqOffsets, n);
          }
          getInts(in, seg.posOffsets, n);
          getInts(in, seg.sizes, n);
          seg.count = n;
          segs[k] = seg;
        }
        loader.topic(id, lastSeq, lastTs, firstSeq, segs);
      }
      int producers = in.getInt();
      for (int i = 0; i < producers; i++) {
        long id = in.getLong();
        long highest = in.getLong();
        loader.producer(id, highest);
        int n = in.getInt();
        for (int k = 0; k < n; k++) {
          long pseq = in.getLong();
          int topicId = in.getInt();
          long seq = in.getLong();
          loader.producerEntry(id, pseq, topicId, seq);
        }
      }
      return covered;
    }
  }

  private static void getInts(ByteBuffer in, int[] dst, int n) {
    in.asIntBuffer().get(dst, 0, n);
    in.position(in.position() + 4 * n);
  }
}
