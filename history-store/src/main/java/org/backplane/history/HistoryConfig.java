package org.backplane.history;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * The immutable configuration of a {@link HistoryStore}, validated when built.
 *
 * <p>Keys, defaults and units:
 * <ul>
 *   <li>{@code dataDir} (required): directory of the store; created if missing.
 *   <li>{@code durability}: {@link Durability#os()} by default (see {@link Durability}).
 *   <li>{@code retention}: policy per topic name, {@link RetentionPolicy#KEEP_ALL} by default;
 *       called once per topic when the topic is first seen by this store instance.
 *   <li>{@code maxEntryBytes}: largest key + headers + payload accepted, 1 MiB by default.
 *   <li>{@code producerWindow}: recent (producerSeq -> topic, seq) pairs remembered per
 *       producer for dedup, 4096 by default.
 *   <li>{@code rollPeriod}: length of one log file (a Chronicle cycle), 1 hour by default;
 *       disk space is reclaimed a whole file at a time. One of 1 s (tests), 1, 5, 10, 20,
 *       30 min, 1, 2, 4, 6 h, 1 day.
 *   <li>{@code checkpointEveryEntries}: write an index checkpoint after this many appends,
 *       1,000,000 by default (0 = only on close); restart scans only the log after it.
 *   <li>{@code checkpointInterval}: also write one when this much time passed with appends,
 *       60 s by default.
 *   <li>{@code recoveryTimeout}: how long opening waits on a log header left incomplete by a
 *       crashed writer before recovering it, 500 ms by default.
 *   <li>{@code clock}: the time the log rolls files by, the system clock by default (tests
 *       pass their own to roll files without waiting).
 * </ul>
 */
public final class HistoryConfig {
  /** Roll periods Chronicle Queue supports with our index layout. */
  public static final Set<Duration> ROLL_PERIODS = Set.of(Duration.ofSeconds(1),
      Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofMinutes(20),
      Duration.ofMinutes(30), Duration.ofHours(1), Duration.ofHours(2), Duration.ofHours(4),
      Duration.ofHours(6), Duration.ofDays(1));

  private final Path dataDir;
  private final Durability durability;
  private final Function<String, RetentionPolicy> retention;
  private final int maxEntryBytes;
  private final int producerWindow;
  private final Duration rollPeriod;
  private final long checkpointEveryEntries;
  private final Duration checkpointInterval;
  private final Duration recoveryTimeout;
  private final long minFreeDiskBytes;
  private final Clock clock;

  private HistoryConfig(Builder b) {
    this.dataDir = b.dataDir;
    this.durability = b.durability;
    this.retention = b.retention;
    this.maxEntryBytes = b.maxEntryBytes;
    this.producerWindow = b.producerWindow;
    this.rollPeriod = b.rollPeriod;
    this.checkpointEveryEntries = b.checkpointEveryEntries;
    this.checkpointInterval = b.checkpointInterval;
    this.recoveryTimeout = b.recoveryTimeout;
    this.minFreeDiskBytes = b.minFreeDiskBytes;
    this.clock = b.clock;
  }

  /** A builder for a store in {@code dataDir}. */
  public static Builder builder(Path dataDir) {
    return new Builder(dataDir);
  }

  /** A builder starting from this configuration. */
  public Builder toBuilder() {
    Builder b = new Builder(dataDir);
    b.durability = durability;
    b.retention = retention;
    b.maxEntryBytes = maxEntryBytes;
    b.producerWindow = producerWindow;
    b.rollPeriod = rollPeriod;
    b.checkpointEveryEntries = checkpointEveryEntries;
    b.checkpointInterval = checkpointInterval;
    b.recoveryTimeout = recoveryTimeout;
    b.minFreeDiskBytes = minFreeDiskBytes;
    b.clock = clock;
    return b;
  }

  /** The store directory. */
  public Path dataDir() {
    return dataDir;
  }

  /** The durability policy. */
  public Durability durability() {
    return durability;
  }

  /** The retention policy for a topic name. */
  public Function<String, RetentionPolicy> retention() {
    return retention;
  }

  /** Largest key + headers + payload accepted, in bytes. */
  public int maxEntryBytes() {
    return maxEntryBytes;
  }

  /** Recent producer seqs remembered per producer. */
  public int producerWindow() {
    return producerWindow;
  }

  /** Length of one log file. */
  public Duration rollPeriod() {
    return rollPeriod;
  }

  /** Appends between index checkpoints (0 = only on close). */
  public long checkpointEveryEntries() {
    return checkpointEveryEntries;
  }

  /** Longest time between index checkpoints while appending. */
  public Duration checkpointInterval() {
    return checkpointInterval;
  }

  /** How long opening waits on a header left incomplete by a crashed writer. */
  public Duration recoveryTimeout() {
    return recoveryTimeout;
  }

  /** Free space below which appends are refused, in bytes. */
  public long minFreeDiskBytes() {
    return minFreeDiskBytes;
  }

  /** The clock the log rolls files by. */
  public Clock clock() {
    return clock;
  }

  @Override
  public String toString() {
    return "HistoryConfig{dataDir=" + dataDir + ", durability=" + durability
        + ", maxEntryBytes=" + maxEntryBytes + ", producerWindow=" + producerWindow
        + ", rollPeriod=" + rollPeriod + ", checkpointEveryEntries=" + checkpointEveryEntries
        + ", checkpointInterval=" + checkpointInterval + ", recoveryTimeout=" + recoveryTimeout
        + ", minFreeDiskBytes=" + minFreeDiskBytes + "}";
  }

  /** Builds a {@link HistoryConfig}; {@link #build()} validates. Not thread-safe. */
  public static final class Builder {
    private final Path dataDir;
    private Durability durability = Durability.os();
    private Function<String, RetentionPolicy> retention = name -> RetentionPolicy.KEEP_ALL;
    private int maxEntryBytes = 1 << 20;
    private int producerWindow = 4096;
    private Duration rollPeriod = Duration.ofHours(1);
    private long checkpointEveryEntries = 1_000_000;
    private Duration checkpointInterval = Duration.ofSeconds(60);
    private Duration recoveryTimeout = Duration.ofMillis(500);
    private long minFreeDiskBytes = 64L << 20;
    private Clock clock = Clock.systemUTC();

    private Builder(Path dataDir) {
      this.dataDir = dataDir;
    }

    /** Sets the durability policy. */
    public Builder durability(Durability durability) {
      this.durability = durability;
      return this;
    }

    /** Sets the retention policy per topic name. */
    public Builder retention(Function<String, RetentionPolicy> retention) {
      this.retention = retention;
      return this;
    }

    /** Sets one retention policy for every topic. */
    public Builder retention(RetentionPolicy policy) {
      Objects.requireNonNull(policy, "policy");
      this.retention = name -> policy;
      return this;
    }

    /** Sets the largest key + headers + payload accepted, in bytes. */
    public Builder maxEntryBytes(int maxEntryBytes) {
      this.maxEntryBytes = maxEntryBytes;
      return this;
    }

    /** Sets how many recent producer seqs are remembered per producer. */
    public Builder producerWindow(int producerWindow) {
      this.producerWindow = producerWindow;
      return this;
    }

    /** Sets the length of one log file; see {@link HistoryConfig#ROLL_PERIODS}. */
    public Builder rollPeriod(Duration rollPeriod) {
      this.rollPeriod = rollPeriod;
      return this;
    }

    /** Sets the appends between index checkpoints (0 = only on close). */
    public Builder checkpointEveryEntries(long entries) {
      this.checkpointEveryEntries = entries;
      return this;
    }

    /** Sets the longest time between index checkpoints while appending. */
    public Builder checkpointInterval(Duration interval) {
      this.checkpointInterval = interval;
      return this;
    }

    /** Sets how long opening waits on a header left incomplete by a crashed writer. */
    public Builder recoveryTimeout(Duration timeout) {
      this.recoveryTimeout = timeout;
      return this;
    }

    /** Sets the free space below which appends are refused, in bytes (0 = never). */
    public Builder minFreeDiskBytes(long bytes) {
      this.minFreeDiskBytes = bytes;
      return this;
    }

    /** Sets the clock the log rolls files by. */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws IllegalArgumentException naming the first invalid key
     */
    public HistoryConfig build() {
      require(dataDir != null, "dataDir is required");
      require(durability != null, "durability is required");
      require(retention != null, "retention is required");
      require(clock != null, "clock is required");
      require(maxEntryBytes > 0 && maxEntryBytes <= (1 << 30),
          "maxEntryBytes must be in 1..1 GiB, got " + maxEntryBytes);
      require(producerWindow >= 1 && producerWindow <= (1 << 20),
          "producerWindow must be in 1..1048576, got " + producerWindow);
      require(rollPeriod != null && ROLL_PERIODS.contains(rollPeriod),
          "rollPeriod must be one of " + ROLL_PERIODS + ", got " + rollPeriod);
      require(checkpointEveryEntries >= 0, "checkpointEveryEntries must be >= 0");
      require(checkpointInterval != null && !checkpointInterval.isNegative()
          && !checkpointInterval.isZero(), "checkpointInterval must be positive");
      require(recoveryTimeout != null && !recoveryTimeout.isNegative(),
          "recoveryTimeout must be >= 0");
      require(minFreeDiskBytes >= 0, "minFreeDiskBytes must be >= 0");
      return new HistoryConfig(this);
    }

    private static void require(boolean ok, String message) {
      if (!ok) {
        throw new IllegalArgumentException("invalid history config: " + message);
      }
    }
  }
}
