package org.backplane.history;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Test helper: an entry copied out of a cursor, and a handler that records them. */
record Recorded(String topic, long seq, long timestampMillis, long producerId, long producerSeq,
                String key, String headers, String payload) {

  static Recorded of(Entry e) {
    return new Recorded(e.topic(), e.seq(), e.timestampMillis(), e.producerId(), e.producerSeq(),
        str(e.key()), str(e.headers()), str(e.payload()));
  }

  private static String str(byte[] b) {
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }

  /** Polls {@code cursor} until it returns 0 and returns everything delivered. */
  static List<Recorded> drain(HistoryCursor cursor) {
    List<Recorded> out = new ArrayList<>();
    while (cursor.poll(e -> out.add(of(e)), 100) > 0) {
      // keep polling
    }
    return out;
  }

  static List<Long> seqs(List<Recorded> rs) {
    List<Long> out = new ArrayList<>();
    for (Recorded r : rs) {
      out.add(r.seq());
    }
    return out;
  }
}
