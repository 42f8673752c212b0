package org.backplane.history;

import static org.backplane.history.RecordLayout.HEADERS_LENGTH;
import static org.backplane.history.RecordLayout.HEADER_BYTES;
import static org.backplane.history.RecordLayout.KEY_LENGTH;
import static org.backplane.history.RecordLayout.KIND;
import static org.backplane.history.RecordLayout.KIND_ENTRY;
import static org.backplane.history.RecordLayout.KIND_RELOCATED;
import static org.backplane.history.RecordLayout.KIND_RELOCATE_BEGIN;
import static org.backplane.history.RecordLayout.KIND_RELOCATE_END;
import static org.backplane.history.RecordLayout.PAYLOAD_LENGTH;
import static org.backplane.history.RecordLayout.PRODUCER_ID;
import static org.backplane.history.RecordLayout.PRODUCER_SEQ;
import static org.backplane.history.RecordLayout.SEQ;
import static org.backplane.history.RecordLayout.TIMESTAMP;
import static org.backplane.history.RecordLayout.TOPIC_ID;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.queue.rollcycles.LegacyRollCycles;
import net.openhft.chronicle.queue.rollcycles.TestRollCycles;
import net.openhft.chronicle.wire.DocumentContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A server's topic histories: one shared Chronicle Queue log with a per-topic in-memory index
 * (README "Design"). Appends get the topic's next seq; cursors replay and follow; retention
 * keeps exactly what each topic's policy says (B6); export/import carry history to a joining
 * server with seqs intact (B1).
 *
 * <p><b>Threads.</b> The <em>writer</em> methods ({@link #topic}, {@link #append},
 * {@link #commit}, {@link #maintain}, {@link #findAppended}, {@link #importFrom}) must all be
 * called from one thread, the writer (the server's delivery thread); the first writer call
 * binds it and a call from another thread throws {@link IllegalStateException}. The other
 * methods may be called from any thread. {@link #close()} may be called from any thread once
 * the writer has stopped calling.
 */
public final class HistoryStore implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HistoryStore.class);
  static final String LOG_DIR = "log";
  static final String TOPICS_FILE = "topics.dat";
  static final String CHECKPOINT_FILE = "index.ckpt";
  private static final long DISK_CHECK_EVERY_BYTES = 4L << 20;

  private final HistoryConfig config;
  private final Path logDir;
  private final SingleChronicleQueue queue;
  private final RollCycle rollCycle;
  private final ExcerptAppender appender;
  private final TopicTable topics;
  private final ProducerTable producers;
  private final CycleLedger ledger = new CycleLedger();
  private final Set<LogCursor> cursors = ConcurrentHashMap.newKeySet();
  private final DateTimeFormatter cycleFileFormat;
  private final TopicIndex.DropSink dropPlain;
  private final TopicIndex.DropSink dropCompacted;
  private final Checkpointer checkpointer;
  private ExcerptTailer maintenanceTailer;
  private volatile boolean closed;
  /** Log position of the last entry indexed: every entry at or before it is in its topic's index. */
  @SuppressWarnings("unused")
  private long indexedUpTo = -1;
  private static final java.lang.invoke.VarHandle INDEXED_UP_TO;

  static {
    try {
      INDEXED_UP_TO = java.lang.invoke.MethodHandles.lookup()
          .findVarHandle(HistoryStore.class, "indexedUpTo", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }
  private volatile Thread writer;

  // writer state
  private final byte[] header = new byte[HEADER_BYTES];
  private long lastAppendedIndex = -1;
  private boolean uncommitted;
  private long lastForceMillis;
  private int forcedCycle = Integer.MIN_VALUE;
  private FileChannel forcedFile;
  private long bytesSinceDiskCheck;
  private volatile LongSupplier usableDiskBytes;
  private long minFreeDiskBytes;
  private String diskFull;

  private HistoryStore(HistoryConfig config) throws IOException {
    this.config = config;
    Files.createDirectories(config.dataDir());
    this.logDir = config.dataDir().resolve(LOG_DIR);
    this.topics = new TopicTable(config.dataDir().resolve(TOPICS_FILE), config.retention());
    this.producers = new ProducerTable(config.producerWindow());
    long t0 = System.nanoTime();
    this.queue = SingleChronicleQueueBuilder.binary(logDir)
        .rollCycle(rollCycleFor(config.rollPeriod()))
        .timeProvider(() -> config.clock().millis())
        .timeoutMS(Math.max(1, config.recoveryTimeout().toMillis()))
        .build();
    // an existing log keeps the cycle it was created with (Chronicle reads it from its metadata)
    this.rollCycle = queue.rollCycle();
    this.cycleFileFormat = DateTimeFormatter.ofPattern(rollCycle.format()).withZone(ZoneOffset.UTC);
    this.dropPlain = (seq, pos, size) -> ledger.removed(rollCycle.toCycle(pos), false);
    this.dropCompacted = (seq, pos, size) -> ledger.removed(rollCycle.toCycle(pos), true);
    this.appender = queue.createAppender();
    this.appender.singleThreadedCheckDisabled(true);
    java.nio.file.FileStore fileStore = Files.getFileStore(logDir);
    this.usableDiskBytes = () -> usableSpace(fileStore);
    this.minFreeDiskBytes = config.minFreeDiskBytes();
    this.checkpointer = new Checkpointer(config.dataDir().resolve(CHECKPOINT_FILE));
    Recovery.Result r = new Recovery(this).run();
    log.info("history store opened at {}: {} topics, {} entries retained, {} ({} records replayed) in {} ms",
        config.dataDir(), topics.size(), r.retained(), r.fromCheckpoint() ? "from checkpoint" : "full scan",
        r.replayed(), (System.nanoTime() - t0) / 1_000_000);
    this.lastForceMillis = config.clock().millis();
  }

  /**
   * Opens (creating if needed) the store in {@code config.dataDir()}, recovering after a crash:
   * loads the index checkpoint if there is a usable one and replays the log after it, else
   * scans the whole log. A record torn by a crash is skipped. Any thread; the returned store's
   * writer is bound by the first writer call.
   */
  public static HistoryStore open(HistoryConfig config) throws IOException {
    Objects.requireNonNull(config, "config");
    ChronicleSetup.apply();
    return new HistoryStore(config);
  }

  /**
   * The roll cycle of a period: Chronicle's own file names and lengths, with a denser index
   * ({@link LogRollCycle}) except for the 1 s test cycle and the minutely one, which already
   * index every 4th and 16th excerpt.
   */
  static RollCycle rollCycleFor(Duration period) {
    long s = period.getSeconds();
    if (s == 1) {
      return TestRollCycles.TEST_SECONDLY;
    } else if (s == 60) {
      return LegacyRollCycles.MINUTELY;
    }
    RollCycle like = switch ((int) s) {
      case 300 -> RollCycles.FIVE_MINUTELY;
      case 600 -> RollCycles.TEN_MINUTELY;
      case 1200 -> RollCycles.TWENTY_MINUTELY;
      case 1800 -> RollCycles.HALF_HOURLY;
      case 3600 -> RollCycles.FAST_HOURLY;
      case 7200 -> RollCycles.TWO_HOURLY;
      case 14400 -> RollCycles.FOUR_HOURLY;
      case 21600 -> RollCycles.SIX_HOURLY;
      case 86400 -> RollCycles.FAST_DAILY;
      default -> throw new IllegalArgumentException("unsupported roll period " + period);
    };
    return new LogRollCycle(like);
  }

  // ------------------------------------------------------------------ writer side

  /**
   * Writer: the handle of topic {@code name}, creating the topic (and persisting its name) if
   * it is new. Cheap; the writer may cache the handle.
   *
   * @throws AppendFailedException if a new topic's name cannot be persisted
   */
  public TopicLog topic(String name) {
    checkWriter();
    Objects.requireNonNull(name, "name");
    TopicState t = topics.get(name);
    if (t == null) {
      try {
        t = topics.getOrCreate(name);
      } catch (IOException e) {
        throw new AppendFailedException("cannot create topic " + name + ": " + e.getMessage(), e);
      }
    }
    return t.handle;
  }

  /**
   * Writer: appends one entry to {@code topic} and returns its seq (the topic's previous last
   * seq + 1). The buffers' remaining bytes are stored; their positions are not changed.
   * The entry is readable by cursors at once and durable per the {@link Durability} policy
   * after the next {@link #commit()}.
   *
   * @param key     nullable; with a compacted topic, the entry replaces the previous one with
   *                an equal key
   * @param headers nullable
   * @throws IllegalArgumentException if key + headers + payload exceed {@code maxEntryBytes}
   * @throws AppendFailedException    if the log cannot be written (disk full, I/O error);
   *                                  nothing was appended and the seq did not advance
   */
  public long append(TopicLog topic, long timestampMillis, long producerId, long producerSeq,
                     ByteBuffer key, ByteBuffer headers, ByteBuffer payload) {
    checkWriter();
    TopicState t = topic.state;
    long seq = t.index.lastSeq() + 1;
    appendAt(t, seq, timestampMillis, producerId, producerSeq, key, headers, payload);
    return seq;
  }

  /** Writes, indexes and remembers for dedup one entry with the given seq. */
  private void appendAt(TopicState t, long seq, long timestampMillis, long producerId,
                        long producerSeq, ByteBuffer key, ByteBuffer headers, ByteBuffer payload) {
    // AtTime binary-searches a topic's timestamps: the caller stamps them non-decreasing per
    // topic (the server stamps each batch with max(now, previous)); checked under -ea (tests)
    assert timestampMillis >= t.index.lastTimestampMillis() || t.index.lastSeq() == 0
        : "timestamps must not decrease within a topic: " + t.name + " had " + t.index.lastTimestampMillis()
        + ", got " + timestampMillis;
    long pos = write(KIND_ENTRY, t, seq, timestampMillis, producerId, producerSeq, key, headers, payload);
    int size = RecordLayout.storedBytes(key == null ? -1 : key.remaining(),
        headers == null ? -1 : headers.remaining(), payload.remaining());
    indexed(t, seq, pos, size, timestampMillis, key);
    producers.record(producerId, producerSeq, t.id, seq);
  }

  /** Writes one record; returns its log position. */
  private long write(byte kind, TopicState t, long seq, long timestampMillis, long producerId,
                     long producerSeq, ByteBuffer key, ByteBuffer headers, ByteBuffer payload) {
    int keyLength = key == null ? -1 : key.remaining();
    int headersLength = headers == null ? -1 : headers.remaining();
    int payloadLength = payload.remaining();
    long dataBytes = (long) Math.max(keyLength, 0) + Math.max(headersLength, 0) + payloadLength;
    if (dataBytes > config.maxEntryBytes()) {
      throw new IllegalArgumentException("entry for " + t.name + " has " + dataBytes
          + " bytes of key, headers and payload; the limit (maxEntryBytes) is " + config.maxEntryBytes());
    }
    checkDisk(dataBytes + HEADER_BYTES);
    try {
      try (DocumentContext dc = appender.writingDocument()) {
        try {
          Bytes<?> b = dc.wire().bytes();
          writeHeader(b, kind, t.id, seq, timestampMillis, producerId, producerSeq, keyLength,
              headersLength, payloadLength);
          if (key != null) {
            LogEntry.copyIn(key, b);
          }
          if (headers != null) {
            LogEntry.copyIn(headers, b);
          }
          LogEntry.copyIn(payload, b);
        } catch (RuntimeException | Error e) {
          dc.rollbackOnClose();
          throw e;
        }
      }
    } catch (RuntimeException | InternalError e) {
      // Chronicle reports I/O failures (disk full while growing a file) as runtime exceptions,
      // and a failed write into a mapped page as InternalError
      throw new AppendFailedException("cannot append to the history of " + t.name + ": " + e, asIo(e));
    }
    uncommitted = true;
    long pos = appender.lastIndexAppended();
    lastAppendedIndex = pos;
    return pos;
  }

  /** Writes the fixed 52-byte record header ({@link RecordLayout}) with one bulk copy. */
  private void writeHeader(Bytes<?> b, byte kind, int topicId, long seq, long timestampMillis,
                           long producerId, long producerSeq, int keyLength, int headersLength,
                           int payloadLength) {
    RecordLayout.encodeHeader(header, kind, topicId, seq, timestampMillis, producerId, producerSeq,
        keyLength, headersLength, payloadLength);
    b.write(header, 0, HEADER_BYTES);
  }

  private static IOException asIo(Throwable e) {
    return e instanceof IOException io ? io : new IOException(e.toString(), e);
  }

  /** Writes a relocation marker (no topic data). */
  private void writeMarker(byte kind, TopicState t, long count) {
    try (DocumentContext dc = appender.writingDocument()) {
      writeHeader(dc.wire().bytes(), kind, t.id, count, 0, 0, 0, -1, -1, 0);
    }
    lastAppendedIndex = appender.lastIndexAppended();
    ledger.touch(appender.cycle());
    uncommitted = true;
  }

  /** Indexes a newly written entry and applies count/bytes limits and compaction. */
  void indexed(TopicState t, long seq, long pos, int size, long timestampMillis, ByteBuffer key) {
    t.index.add(seq, pos, size, timestampMillis);
    INDEXED_UP_TO.setRelease(this, pos);
    ledger.added(rollCycle.toCycle(pos), t.compacted());
    if (t.compacted()) {
      compact(t, seq, size, key);
    } else if (t.policy.maxCount() > 0 || t.policy.maxBytes() > 0) {
      enforceCountAndBytes(t);
    }
    checkpointer.appended();
  }

  private void compact(TopicState t, long seq, int size, ByteBuffer key) {
    if (key == null) {
      t.keyless.addLast(seq);
      t.keylessBytes += size;
      RetentionPolicy p = t.policy;
      while ((p.maxCount() > 0 && t.keyless.size() > p.maxCount())
          || (p.maxBytes() > 0 && t.keylessBytes > p.maxBytes() && t.keyless.size() > 1)) {
        dropKeyless(t);
      }
      return;
    }
    byte[] k = new byte[key.remaining()];
    key.get(key.position(), k);
    Long previous = t.latestByKey.put(ByteBuffer.wrap(k), seq);
    if (previous != null) {
      t.index.drop(previous, dropCompacted);
    }
  }

  private void dropKeyless(TopicState t) {
    long oldest = t.keyless.removeFirst();
    int size = t.index.sizeOf(oldest);
    if (size >= 0) {
      t.keylessBytes -= size;
      t.index.drop(oldest, dropCompacted);
    }
  }

  private void enforceCountAndBytes(TopicState t) {
    RetentionPolicy p = t.policy;
    TopicIndex ix = t.index;
    while ((p.maxCount() > 0 && ix.retainedCount() > p.maxCount())
        || (p.maxBytes() > 0 && ix.retainedBytes() > p.maxBytes() && ix.retainedCount() > 1)) {
      ix.dropOldest(dropPlain);
    }
  }

  /**
   * Writer: makes everything appended so far as durable as the {@link Durability} policy
   * promises (for {@link Durability.EveryCommit}: forced to disk) and returns. The server acks
   * publishers only after this returns; calling it once per batch of appends is group commit.
   *
   * @throws AppendFailedException if forcing to disk fails
   */
  public void commit() {
    checkWriter();
    if (!uncommitted) {
      return;
    }
    Durability d = config.durability();
    if (d instanceof Durability.EveryCommit) {
      force();
    } else if (d instanceof Durability.Interval i
        && config.clock().millis() - lastForceMillis >= i.period().toMillis()) {
      force();
    }
    uncommitted = false;
  }

  /** Forces the topic table and the log file(s) written since the last force to disk. */
  private void force() {
    try {
      topics.force();
      int cycle = appender.cycle();
      if (forcedFile != null && forcedCycle != cycle) {
        forcedFile.force(false); // the file that was current before a roll
        forcedFile.close();
        forcedFile = null;
      }
      if (forcedFile == null) {
        java.io.File f = appender.currentFile();
        if (f == null) {
          return;
        }
        forcedFile = FileChannel.open(f.toPath(), StandardOpenOption.WRITE);
        forcedCycle = cycle;
      }
      forcedFile.force(false);
      lastForceMillis = config.clock().millis();
    } catch (IOException e) {
      throw new AppendFailedException("cannot force the history log to disk: " + e.getMessage(), e);
    }
  }

  /**
   * Writer: periodic housekeeping, to call every ~100 ms with the current time: drops entries
   * older than their topic's {@code maxAge}, deletes log files that hold no retained entry
   * (relocating compacted topics out of otherwise dead files), forces the log for
   * {@link Durability.Interval}, re-checks free disk space, and starts index checkpoints.
   */
  public void maintain(long nowMillis) {
    checkWriter();
    expireByAge(nowMillis);
    reclaim();
    Durability d = config.durability();
    if (d instanceof Durability.Interval i && uncommitted
        && config.clock().millis() - lastForceMillis >= i.period().toMillis()) {
      force();
    }
    bytesSinceDiskCheck = DISK_CHECK_EVERY_BYTES; // re-check on the next append
    checkpointer.maybeStart(this, nowMillis);
  }

  private void expireByAge(long nowMillis) {
    for (TopicState t : topics.aged()) {
      Duration maxAge = t.policy.maxAge();
      long cutoff = nowMillis - maxAge.toMillis();
      if (t.compacted()) {
        while (!t.keyless.isEmpty()) {
          long seq = t.keyless.peekFirst();
          long ts = timestampAt(t.index.positionOf(seq));
          if (ts != Long.MIN_VALUE && ts >= cutoff) {
            break;
          }
          dropKeyless(t);
        }
      } else {
        while (true) {
          long pos = t.index.oldestRetainedPosition();
          if (pos < 0) {
            break;
          }
          long ts = timestampAt(pos);
          if (ts != Long.MIN_VALUE && ts >= cutoff) {
            break;
          }
          t.index.dropOldest(dropPlain);
        }
      }
    }
  }

  /** Timestamp of the record at {@code pos}, or MIN_VALUE if it cannot be read. Writer. */
  private long timestampAt(long pos) {
    if (pos < 0) {
      return Long.MIN_VALUE;
    }
    if (maintenanceTailer == null) {
      maintenanceTailer = newTailer();
    }
    if (!maintenanceTailer.moveToIndex(pos)) {
      return Long.MIN_VALUE;
    }
    try (DocumentContext dc = maintenanceTailer.readingDocument()) {
      if (!dc.isPresent()) {
        return Long.MIN_VALUE;
      }
      Bytes<?> b = dc.wire().bytes();
      return b.readLong(b.readPosition() + TIMESTAMP);
    }
  }

  /** Deletes files without retained entries; relocates compacted topics out of old files. */
  private void reclaim() {
    int current = Math.max(appender.cycle(), queue.cycle());
    List<Integer> deletable = new ArrayList<>();
    boolean relocated = false;
    // a copy of the cycles: relocating adds the cycle its copies go to
    for (int cycle : new ArrayList<>(ledger.view().keySet())) {
      if (cycle >= current) {
        break;
      }
      long[] c = ledger.view().get(cycle);
      if (c[0] > 0 && c[0] == c[1] && !relocated) {
        relocateCompactedFrom(cycle);
        relocated = true;
      }
      if (c[0] == 0) {
        deletable.add(cycle);
      }
    }
    if (deletable.isEmpty()) {
      return;
    }
    if (relocated || uncommitted) {
      force(); // relocated copies reach the disk before their originals' files go
    }
    for (int cycle : deletable) {
      Path file = cycleFile(cycle);
      try {
        if (Files.deleteIfExists(file)) {
          log.info("history: deleted log file {} (no retained entry left)", file.getFileName());
        }
        ledger.forget(cycle);
      } catch (IOException ex) {
        log.warn("history: cannot delete log file {}: {}", file, ex.toString());
      }
    }
    queue.refreshDirectoryListing();
    checkpointer.requestSoon();
  }

  Path cycleFile(int cycle) {
    long millis = (long) cycle * rollCycle.lengthInMillis();
    return logDir.resolve(cycleFileFormat.format(java.time.Instant.ofEpochMilli(millis))
        + SingleChronicleQueue.SUFFIX);
  }

  /**
   * Copies the whole retained set of every compacted topic that has an entry in {@code cycle}
   * or earlier to the head of the log, bracketed by RELOCATE_BEGIN/END, and points the index
   * at the copies (README "Reclaiming disk space").
   */
  private void relocateCompactedFrom(int cycle) {
    for (TopicState t : topics.compacted()) {
      if (t.index.retainedCount() == 0) {
        continue;
      }
      long oldest = minRetainedPosition(t);
      if (oldest < 0 || rollCycle.toCycle(oldest) > cycle) {
        continue;
      }
      relocate(t);
    }
  }

  private static long minRetainedPosition(TopicState t) {
    long[] min = {Long.MAX_VALUE};
    t.index.forEachRetained((seq, pos, size) -> min[0] = Math.min(min[0], pos));
    return min[0] == Long.MAX_VALUE ? -1 : min[0];
  }

  private void relocate(TopicState t) {
    int n = (int) t.index.retainedCount();
    long[] seqs = new long[n];
    long[] oldPositions = new long[n];
    int[] sizes = new int[n];
    int[] k = {0};
    t.index.forEachRetained((seq, pos, size) -> {
      seqs[k[0]] = seq;
      oldPositions[k[0]] = pos;
      sizes[k[0]] = size;
      k[0]++;
    });
    long[] newPositions = new long[n];
    if (maintenanceTailer == null) {
      maintenanceTailer = newTailer();
    }
    writeMarker(KIND_RELOCATE_BEGIN, t, n);
    for (int i = 0; i < n; i++) {
      if (!maintenanceTailer.moveToIndex(oldPositions[i])) {
        throw new IllegalStateException("cannot read retained " + t.name + " seq " + seqs[i]);
      }
      try (DocumentContext rd = maintenanceTailer.readingDocument();
           DocumentContext wr = appender.writingDocument()) {
        Bytes<?> src = rd.wire().bytes();
        Bytes<?> dst = wr.wire().bytes();
        long off = src.readPosition();
        int len = (int) (src.readLimit() - off);
        dst.write(src, off, len);
        dst.writeByte(dst.writePosition() - len + KIND, KIND_RELOCATED);
      }
      newPositions[i] = appender.lastIndexAppended();
      lastAppendedIndex = newPositions[i];
    }
    writeMarker(KIND_RELOCATE_END, t, n);
    for (int i = 0; i < n; i++) {
      ledger.removed(rollCycle.toCycle(oldPositions[i]), true);
      ledger.added(rollCycle.toCycle(newPositions[i]), true);
    }
    t.index.replaceRetained(seqs, newPositions, sizes, n);
    if (n > 0) {
      INDEXED_UP_TO.setRelease(this, Math.max(indexedUpTo(), newPositions[n - 1]));
    }
    log.info("history: relocated {} retained entries of compacted topic {} to the head of the log",
        n, t.name);
  }

  /**
   * Writer: what the store remembers of ({@code producerId}, {@code producerSeq}) (B3): where
   * it was appended, that it was never appended, or that it is too old to say.
   * producerId 0 is anonymous and always {@link PriorAppend.NotSeen}.
   */
  public PriorAppend findAppended(long producerId, long producerSeq) {
    checkWriter();
    return producers.find(producerId, producerSeq, topics);
  }

  /**
   * Writer: appends the entries of an {@link #export} stream, keeping their seqs (state
   * transfer to a joining server). An entry whose seq the topic already holds (at or below its
   * last seq) is skipped; seqs above are appended even with holes. Producer dedup memory is fed
   * as by appends.
   *
   * @throws IOException on a malformed stream or read failure; entries before it stay appended
   */
  public ImportStats importFrom(InputStream in) throws IOException {
    checkWriter();
    return Transfer.importFrom(this, in);
  }

  /** Import: appends one entry with a given seq. */
  boolean appendImported(TopicState t, long seq, long timestampMillis, long producerId,
                         long producerSeq, ByteBuffer key, ByteBuffer headers, ByteBuffer payload) {
    if (seq <= t.index.lastSeq()) {
      return false;
    }
    appendAt(t, seq, timestampMillis, producerId, producerSeq, key, headers, payload);
    return true;
  }

  TopicState topicState(String name) {
    return topic(name).state;
  }

  // ------------------------------------------------------------------ any thread

  /**
   * Any thread: a cursor over every topic whose name {@code topicFilter} accepts (also topics
   * created later), delivering in the store's global append order from {@code start}.
   * The filter is evaluated once per topic, on the opening or polling thread.
   */
  public HistoryCursor openCursor(Predicate<String> topicFilter, StartPosition start) {
    checkOpen();
    Objects.requireNonNull(topicFilter, "topicFilter");
    Objects.requireNonNull(start, "start");
    return register(new FilterCursor(this, topicFilter, start, FilterCursor.Mode.AUTO));
  }

  /** Tests: a filter cursor that scans or merges as told (README "Reading"). */
  FilterCursor openCursor(Predicate<String> topicFilter, StartPosition start, FilterCursor.Mode mode) {
    checkOpen();
    FilterCursor c = new FilterCursor(this, topicFilter, start, mode);
    register(c);
    return c;
  }

  /**
   * Any thread: a cursor over one topic (which need not exist yet), delivering in seq order
   * from {@code start}.
   */
  public HistoryCursor openCursor(String topic, StartPosition start) {
    checkOpen();
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(start, "start");
    return register(new TopicCursor(this, topic, start));
  }

  private HistoryCursor register(LogCursor c) {
    cursors.add(c);
    return c;
  }

  /** Any thread: the topic's counters, or empty if the topic was never created. */
  public Optional<TopicInfo> info(String topic) {
    checkOpen();
    TopicState t = topics.get(topic);
    return t == null ? Optional.empty() : Optional.of(t.info());
  }

  /**
   * Any thread: the latest timestamp of any topic's last entry (0 for an empty store). A writer
   * restarted with a clock behind the log's (another machine, a clock step) stamps from here so
   * that timestamps never decrease within a topic.
   */
  public long latestTimestampMillis() {
    checkOpen();
    long latest = 0;
    for (TopicState t : topics.all()) {
      latest = Math.max(latest, t.index.lastTimestampMillis());
    }
    return latest;
  }

  /** Any thread: the counters of every topic {@code topicFilter} accepts, sorted by name. */
  public List<TopicInfo> topics(Predicate<String> topicFilter) {
    checkOpen();
    List<TopicInfo> out = new ArrayList<>();
    for (TopicState t : topics.all()) {
      if (topicFilter.test(t.name)) {
        out.add(t.info());
      }
    }
    out.sort(Comparator.comparing(TopicInfo::name));
    return out;
  }

  /**
   * Any thread: writes the retained entries of every topic {@code topicFilter} accepts, from
   * {@code fromSeqByTopic.get(topic)} (or the topic's first retained seq when absent), in seq
   * order per topic, to {@code out} in the transfer format {@link #importFrom} reads. Each
   * topic's range ends at its last seq when the export reaches it.
   */
  public ExportStats export(Predicate<String> topicFilter, Map<String, Long> fromSeqByTopic,
                            OutputStream out) throws IOException {
    checkOpen();
    return Transfer.export(this, topicFilter, fromSeqByTopic, out);
  }

  /**
   * Closes the log: writes an index checkpoint (so the next open is fast), forces per the
   * durability policy and releases files. Idempotent. Any thread, once the writer has stopped.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    try {
      checkpointer.awaitIdle();
      if (config.checkpointEveryEntries() >= 0) {
        checkpointer.writeNow(this);
      }
    } catch (IOException | RuntimeException e) {
      log.warn("history: cannot write the index checkpoint at close: {}", e.toString());
    }
    closed = true;
    for (Iterator<LogCursor> it = cursors.iterator(); it.hasNext(); ) {
      LogCursor c = it.next();
      it.remove();
      c.tailer.close();
    }
    try {
      if (!(config.durability() instanceof Durability.Os) && uncommitted) {
        force();
      }
    } catch (RuntimeException e) {
      log.warn("history: cannot force the log at close: {}", e.toString());
    }
    try {
      if (forcedFile != null) {
        forcedFile.close();
      }
      topics.close();
    } catch (IOException e) {
      log.warn("history: close: {}", e.toString());
    }
    if (maintenanceTailer != null) {
      maintenanceTailer.close();
    }
    checkpointer.close();
    appender.close();
    queue.close();
    log.info("history store closed at {}", config.dataDir());
  }

  // ------------------------------------------------------------------ internals

  void checkOpen() {
    if (closed) {
      throw new IllegalStateException("history store is closed");
    }
  }

  private void checkWriter() {
    Thread me = Thread.currentThread();
    Thread w = writer;
    if (w != me) {
      bindWriter(me, w);
    }
  }

  private synchronized void bindWriter(Thread me, Thread bound) {
    checkOpen();
    if (writer == null) {
      writer = me;
    } else if (writer != me) {
      throw new IllegalStateException("history store writer methods must be called from one thread: "
          + "bound to " + writer.getName() + ", called from " + me.getName());
    }
  }

  private void checkDisk(long recordBytes) {
    bytesSinceDiskCheck += recordBytes;
    if (bytesSinceDiskCheck < DISK_CHECK_EVERY_BYTES && diskFull == null) {
      return;
    }
    bytesSinceDiskCheck = 0;
    long usable = usableDiskBytes.getAsLong();
    if (usable < minFreeDiskBytes) {
      if (diskFull == null) {
        log.warn("history: refusing appends: {} bytes free on the log's disk, need {}", usable, minFreeDiskBytes);
      }
      diskFull = usable + " bytes free on the log's disk, " + minFreeDiskBytes + " needed";
      throw new AppendFailedException("history log disk is full: " + diskFull,
          new IOException("No space left on device (" + diskFull + ")"));
    }
    if (diskFull != null) {
      log.info("history: accepting appends again: {} bytes free", usable);
      diskFull = null;
    }
  }

  private static long usableSpace(java.nio.file.FileStore store) {
    try {
      return store.getUsableSpace();
    } catch (IOException e) {
      return Long.MAX_VALUE; // cannot tell: let the write itself fail
    }
  }

  /** Test hook at the file boundary: simulates the free space the log's disk reports. */
  void diskSpaceProbe(LongSupplier usableBytes, long minFreeBytes) {
    this.usableDiskBytes = usableBytes;
    this.minFreeDiskBytes = minFreeBytes;
    this.bytesSinceDiskCheck = DISK_CHECK_EVERY_BYTES;
  }

  ExcerptTailer newTailer() {
    ExcerptTailer t = queue.createTailer();
    t.singleThreadedCheckDisabled(true);
    return t;
  }

  /**
   * Any thread: the log position of the last entry indexed. Read before looking at topic
   * indexes, it bounds what a merging cursor may deliver: every entry at or before it is
   * already in its topic's index (release/acquire), so none can appear there later.
   */
  long indexedUpTo() {
    return (long) INDEXED_UP_TO.getAcquire(this);
  }

  /** Writer: the log index of the last record written (-1 for none). */
  long lastAppendedIndex() {
    return lastAppendedIndex;
  }

  /** Recovery: the last record found in the log. */
  void lastAppendedIndex(long index) {
    lastAppendedIndex = index;
    INDEXED_UP_TO.setRelease(this, Math.max(indexedUpTo(), index));
  }

  void cursorClosed(LogCursor c) {
    cursors.remove(c);
  }

  TopicTable topicTable() {
    return topics;
  }

  ProducerTable producerTable() {
    return producers;
  }

  CycleLedger ledger() {
    return ledger;
  }

  RollCycle rollCycle() {
    return rollCycle;
  }

  SingleChronicleQueue queue() {
    return queue;
  }

  HistoryConfig config() {
    return config;
  }

  TopicIndex.DropSink dropSink(TopicState t) {
    return t.compacted() ? dropCompacted : dropPlain;
  }

  /** Recovery: applies the limits a replayed entry would have triggered at append. */
  void enforceLimitsAfterReplay(TopicState t) {
    if (!t.compacted() && (t.policy.maxCount() > 0 || t.policy.maxBytes() > 0)) {
      enforceCountAndBytes(t);
    }
  }

  Checkpointer checkpointer() {
    return checkpointer;
  }

  static boolean isEntryKind(byte kind) {
    return kind == KIND_ENTRY || kind == KIND_RELOCATED;
  }

  static boolean isMarkerKind(byte kind) {
    return kind == KIND_RELOCATE_BEGIN || kind == KIND_RELOCATE_END;
  }
}
