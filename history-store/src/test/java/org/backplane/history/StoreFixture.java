package org.backplane.history;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** Test helper: a settable clock and shorthand appends. */
final class StoreFixture {
  private StoreFixture() {
  }

  static ByteBuffer utf8(String s) {
    return s == null ? null : ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
  }

  static long append(HistoryStore store, String topic, long ts, String key, String payload) {
    return store.append(store.topic(topic), ts, 0, 0, utf8(key), null, utf8(payload));
  }

  /** A clock tests move by hand, so that log files roll without waiting. */
  static final class ManualClock extends Clock {
    final AtomicLong millis;

    ManualClock(long startMillis) {
      this.millis = new AtomicLong(startMillis);
    }

    void advance(Duration d) {
      millis.addAndGet(d.toMillis());
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public long millis() {
      return millis.get();
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis());
    }
  }
}
