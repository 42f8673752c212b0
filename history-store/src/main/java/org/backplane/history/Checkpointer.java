package org.backplane.history;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
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
 * Incremental index checkpoints (README "Recovery"). A topic's index is a list of segments of
 * which only the last grows; the others are sealed and change only when compaction marks a
 * slot dead. So a checkpoint is two files:
 * <ul>
 *   <li>{@code index-<generation>.segs}, append-only: every sealed segment is written there
 *       once, as a CRC32C-protected block, and again only if compaction touched it since;
 *   <li>{@code index.ckpt}, small and replaced atomically (temp file, fsync, rename): the log
 *       position it covers, each topic's counters, references to its sealed segments' blocks,
 *       its growing last segment inline, and the producer windows, under one CRC32C.
 * </ul>
 * A checkpoint therefore writes what was appended since the previous one (8 bytes per entry),
 * not the whole index: the cost per append no longer grows with the history. When the blocks
 * that are no longer referenced (compaction rewrites, dropped segments) make up more than half
 * of the segment file, the next checkpoint starts a new generation with the live blocks only,
 * and the old file is deleted once the new {@code index.ckpt} is in place.
 *
 * <p>Threads: the writer captures what to write in O(topics + segments) (references to
 * segment arrays and their published counts; segments are append-only, so the background
 * thread reads exactly the captured slots) and a background thread writes the files. Dead
 * marks made after the capture may or may not be written; either is correct after the replay
 * of the log that follows the covered position.
 */
final class Checkpointer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Checkpointer.class);
  private static final int MAGIC = 0x42504958; // "BPIX"
  private static final int VERSION = 3;
  private static final int BLOCK_MAGIC = 0x42505347; // "BPSG"
  private static final long MIN_COMPACT_BYTES = 16L << 20;
  private static final byte INLINE = 0;
  private static final byte REF = 1;

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
  // segment file state: set by recovery, then only by the thread writing checkpoints (the
  // writer reads it in capture after the previous write finished)
  private volatile long generation;
  private volatile long segmentFileBytes;

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

  /** One segment in a checkpoint: a reference to a saved block, or to be written. */
  private static final class SegmentSnap {
    final TopicIndex.Segment segment;
    final int count;
    final boolean inline;
    long offset;
    int blockBytes;

    SegmentSnap(TopicIndex.Segment segment, int count, boolean inline, long offset, int blockBytes) {
      this.segment = segment;
      this.count = count;
      this.inline = inline;
      this.offset = offset;
      this.blockBytes = blockBytes;
    }

    boolean toWrite() {
      return !inline && offset < 0;
    }
  }

  /** What a checkpoint holds, captured on the writer thread. */
  record Snapshot(long coveredIndex, int rollMillis, long generation, boolean newGeneration,
                  List<TopicSnap> topics, List<ProducerSnap> producers) {
  }

  private record TopicSnap(int id, long lastSeq, long lastTs, long firstSeq, SegmentSnap[] segments) {
  }

  private record ProducerSnap(long id, long highest, long[][] entries) {
  }

  private Snapshot capture(HistoryStore store) {
    long gen = generation;
    long live = 0;
    List<TopicSnap> topics = new ArrayList<>();
    for (TopicState t : store.topicTable().all()) {
      TopicIndex.Segment[] segs = t.index.segmentsSnapshot();
      SegmentSnap[] snaps = new SegmentSnap[segs.length];
      for (int i = 0; i < segs.length; i++) {
        TopicIndex.Segment s = segs[i];
        int n = s.published();
        boolean last = i == segs.length - 1;
        if (!last && s.savedGeneration == gen && gen > 0 && !s.dirty) {
          snaps[i] = new SegmentSnap(s, n, false, s.savedOffset, s.savedBytes);
          live += s.savedBytes;
        } else {
          snaps[i] = new SegmentSnap(s, n, last, -1, 0);
          if (!last) {
            s.dirty = false; // a dead mark from now on makes it dirty again
            live += blockBytes(s, n);
          }
        }
      }
      topics.add(new TopicSnap(t.id, t.index.lastSeq(), t.index.lastTimestampMillis(),
          t.index.firstSeqBound(), snaps));
    }
    boolean fresh = gen == 0 || (segmentFileBytes > MIN_COMPACT_BYTES && segmentFileBytes > 2 * live);
    if (fresh) {
      gen++;
      for (TopicSnap t : topics) {
        for (SegmentSnap s : t.segments()) {
          if (!s.inline) {
            s.offset = -1; // every sealed segment goes into the new file
          }
        }
      }
    }
    List<ProducerSnap> producers = new ArrayList<>();
    for (Map.Entry<Long, ProducerTable.Window> e : store.producerTable().windows().entrySet()) {
      producers.add(new ProducerSnap(e.getKey(), e.getValue().highest, e.getValue().entries()));
    }
    long covered = store.lastAppendedIndex();
    return new Snapshot(covered, store.rollCycle().lengthInMillis(), gen, fresh, topics, producers);
  }

  private static int blockBytes(TopicIndex.Segment s, int n) {
    return 4 + 4 + 8 + 8 + 4 + 4 + 4 * n * (s.seqOffsets == null ? 2 : 3) + 8;
  }

  private Path segmentFile(long gen) {
    return file.resolveSibling("index-" + gen + ".segs");
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

    void putByte(byte v) throws IOException {
      room(1);
      buf.put(v);
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

    /** Writes the running CRC32C and forces the file. */
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

  /** Writes a segment's header and slots (no CRC). */
  private static void putSegment(Out out, TopicIndex.Segment seg, int n) throws IOException {
    out.putLong(seg.baseSeq);
    out.putLong(seg.basePos);
    out.putInt(n);
    out.putInt(seg.seqOffsets == null ? 0 : 1);
    if (seg.seqOffsets != null) {
      out.putInts(seg.seqOffsets, n);
    }
    out.putInts(seg.posOffsets, n);
    out.putInts(seg.sizes, n);
  }

  private void write(Snapshot s) throws IOException {
    long t0 = System.nanoTime();
    Path segsPath = segmentFile(s.generation());
    long written = 0;
    long fileBytes;
    try (FileChannel ch = FileChannel.open(segsPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
      if (s.newGeneration()) {
        ch.truncate(0);
      }
      long offset = ch.size();
      ch.position(offset);
      ByteBuffer block = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
      CRC32C crc = new CRC32C();
      for (TopicSnap t : s.topics()) {
        for (SegmentSnap seg : t.segments()) {
          if (!seg.toWrite()) {
            continue;
          }
          int bytes = blockBytes(seg.segment, seg.count);
          if (block.capacity() < bytes) {
            block = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
          }
          block.clear();
          encodeBlock(block, t.id(), seg.segment, seg.count);
          crc.reset();
          crc.update(block.array(), 0, block.position());
          block.putLong(crc.getValue());
          block.flip();
          while (block.hasRemaining()) {
            ch.write(block);
          }
          seg.offset = offset;
          seg.blockBytes = bytes;
          offset += bytes;
          written += bytes;
        }
      }
      if (written > 0 || s.newGeneration()) {
        ch.force(true);
      }
      fileBytes = offset;
    }
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    long inlineSlots = 0;
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING); Out out = new Out(ch)) {
      out.putInt(MAGIC);
      out.putInt(VERSION);
      out.putLong(s.coveredIndex());
      out.putInt(s.rollMillis());
      out.putLong(s.generation());
      out.putInt(s.topics().size());
      for (TopicSnap t : s.topics()) {
        out.putInt(t.id());
        out.putLong(t.lastSeq());
        out.putLong(t.lastTs());
        out.putLong(t.firstSeq());
        out.putInt(t.segments().length);
        for (SegmentSnap seg : t.segments()) {
          if (seg.inline) {
            out.putByte(INLINE);
            putSegment(out, seg.segment, seg.count);
            inlineSlots += seg.count;
          } else {
            out.putByte(REF);
            out.putLong(seg.offset);
            out.putInt(seg.blockBytes);
          }
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
    // the blocks are referenced by a durable checkpoint: later checkpoints may reuse them
    for (TopicSnap t : s.topics()) {
      for (SegmentSnap seg : t.segments()) {
        if (!seg.inline) {
          seg.segment.saved(s.generation(), seg.offset, seg.blockBytes);
        }
      }
    }
    generation = s.generation();
    segmentFileBytes = fileBytes;
    if (s.newGeneration()) {
      deleteSegmentFilesExcept(s.generation());
    }
    log.debug("history: index checkpoint: {} bytes of new segments, {} inline slots, {} topics, in {} ms",
        written, inlineSlots, s.topics().size(), (System.nanoTime() - t0) / 1_000_000);
  }

  private static void encodeBlock(ByteBuffer b, int topicId, TopicIndex.Segment seg, int n) {
    b.putInt(BLOCK_MAGIC);
    b.putInt(topicId);
    b.putLong(seg.baseSeq);
    b.putLong(seg.basePos);
    b.putInt(n);
    b.putInt(seg.seqOffsets == null ? 0 : 1);
    if (seg.seqOffsets != null) {
      b.asIntBuffer().put(seg.seqOffsets, 0, n);
      b.position(b.position() + 4 * n);
    }
    b.asIntBuffer().put(seg.posOffsets, 0, n);
    b.position(b.position() + 4 * n);
    b.asIntBuffer().put(seg.sizes, 0, n);
    b.position(b.position() + 4 * n);
  }

  /** Deletes the segment files of other generations (after a new one is in use, or unused). */
  void deleteSegmentFilesExcept(long keep) {
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(file.getParent(), "index-*.segs")) {
      for (Path p : ds) {
        if (!p.getFileName().toString().equals("index-" + keep + ".segs")) {
          Files.deleteIfExists(p);
        }
      }
    } catch (IOException e) {
      log.warn("history: cannot delete old index segment files: {}", e.toString());
    }
  }

  /** A loaded checkpoint, consumed by {@link Recovery}. */
  interface Loader {
    /** A topic's segments and counters. */
    void topic(int id, long lastSeq, long lastTs, long firstSeq, TopicIndex.Segment[] segments);

    void producer(long id, long highest);

    void producerEntry(long id, long producerSeq, int topicId, long seq);
  }

  /**
   * Reads the checkpoint if it is intact (trailing CRC32C over {@code index.ckpt}, one per
   * referenced segment block); returns the covered log index, or Long.MIN_VALUE when there is
   * no usable checkpoint (and then nothing was passed to {@code loader}). Recovery; later
   * checkpoints reuse the loaded blocks, or start a new segment file when there is none.
   */
  long load(int rollMillis, Loader loader) throws IOException {
    long covered = Long.MIN_VALUE;
    try {
      covered = loadFile(rollMillis, loader);
    } finally {
      forgetUnusedSegmentFiles(covered);
    }
    return covered;
  }

  private void forgetUnusedSegmentFiles(long covered) {
    if (covered == Long.MIN_VALUE) {
      generation = 0; // the next checkpoint starts a new segment file
      segmentFileBytes = 0;
      deleteSegmentFilesExcept(-1);
    } else {
      deleteSegmentFilesExcept(generation);
    }
  }

  private long loadFile(int rollMillis, Loader loader) throws IOException {
    if (!Files.exists(file)) {
      return Long.MIN_VALUE;
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < 40) {
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
      long gen = in.getLong();
      Path segsPath = segmentFile(gen);
      try (FileChannel segs = FileChannel.open(segsPath, StandardOpenOption.READ)) {
        long segsSize = segs.size();
        List<Object[]> topics = new ArrayList<>();
        ByteBuffer block = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        int topicCount = in.getInt();
        for (int i = 0; i < topicCount; i++) {
          int id = in.getInt();
          long lastSeq = in.getLong();
          long lastTs = in.getLong();
          long firstSeq = in.getLong();
          TopicIndex.Segment[] out = new TopicIndex.Segment[in.getInt()];
          for (int k = 0; k < out.length; k++) {
            byte kind = in.get();
            if (kind == INLINE) {
              out[k] = getSegment(in);
            } else {
              long offset = in.getLong();
              int bytes = in.getInt();
              if (offset < 0 || bytes < 40 || offset + bytes > segsSize) {
                throw new IllegalStateException("index checkpoint refers to a block outside " + segsPath.getFileName());
              }
              if (block.capacity() < bytes) {
                block = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
              }
              block.clear().limit(bytes);
              while (block.hasRemaining()) {
                if (segs.read(block, offset + block.position()) < 0) {
                  throw new IllegalStateException("index segment file " + segsPath.getFileName() + " is short");
                }
              }
              out[k] = readBlock(block.flip(), id, offset, segsPath);
              out[k].saved(gen, offset, bytes);
            }
          }
          topics.add(new Object[] {id, lastSeq, lastTs, firstSeq, out});
        }
        // every block checked: now hand everything over
        for (Object[] t : topics) {
          loader.topic((Integer) t[0], (Long) t[1], (Long) t[2], (Long) t[3], (TopicIndex.Segment[]) t[4]);
        }
        generation = gen;
        segmentFileBytes = segsSize;
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

  private static TopicIndex.Segment getSegment(ByteBuffer in) {
    long baseSeq = in.getLong();
    long basePos = in.getLong();
    int n = in.getInt();
    boolean sparse = in.getInt() != 0;
    if (n < 0 || n > TopicIndex.MAX_SEGMENT_SLOTS) {
      throw new IllegalStateException("index checkpoint segment of " + n + " slots");
    }
    TopicIndex.Segment seg = new TopicIndex.Segment(baseSeq, basePos, Math.max(n, 1), sparse);
    if (sparse) {
      getInts(in, seg.seqOffsets, n);
    }
    getInts(in, seg.posOffsets, n);
    getInts(in, seg.sizes, n);
    seg.count = n;
    return seg;
  }

  /** Checks and decodes one block (its whole bytes, CRC last). */
  private static TopicIndex.Segment readBlock(ByteBuffer b, int topicId, long offset, Path path) {
    int bytes = b.remaining();
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, bytes - 8);
    if (crc.getValue() != b.getLong(bytes - 8) || b.getInt() != BLOCK_MAGIC || b.getInt() != topicId) {
      throw new IllegalStateException("index segment block at " + offset + " in " + path.getFileName()
          + " is damaged");
    }
    return getSegment(b);
  }

  private static void getInts(ByteBuffer in, int[] dst, int n) {
    in.asIntBuffer().get(dst, 0, n);
    in.position(in.position() + 4 * n);
  }
}
