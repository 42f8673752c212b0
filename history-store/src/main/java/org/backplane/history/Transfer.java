package org.backplane.history;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The state-transfer stream (README "Export and import"): a self-contained, versioned binary
 * format independent of Chronicle's files, so that a joiner can be fed by any donor.
 *
 * <pre>
 * stream := MAGIC:int VERSION:int topic* END:byte(0) entries:long
 * topic  := TOPIC:byte(1) name:UTF lastSeq:long lastTimestampMillis:long entry* TOPIC_END:byte(3)
 * entry  := ENTRY:byte(2) seq:long timestampMillis:long producerId:long producerSeq:long
 *           keyLength:int headersLength:int payloadLength:int key headers payload
 * </pre>
 *
 * Topics are written in name order, entries in seq order. The importer keeps every seq and
 * restores the topic's lastSeq even when nothing after it is retained, so that the joiner
 * numbers the next posting exactly as the donor does (B1).
 */
final class Transfer {
  private static final int MAGIC = 0x42505848; // "BPXH"
  private static final int VERSION = 1;
  private static final byte END = 0;
  private static final byte TOPIC = 1;
  private static final byte ENTRY = 2;
  private static final byte TOPIC_END = 3;

  private Transfer() {
  }

  static ExportStats export(HistoryStore store, Predicate<String> filter, Map<String, Long> from,
                            OutputStream sink) throws IOException {
    CountingOutputStream counting = new CountingOutputStream(sink);
    DataOutputStream out = new DataOutputStream(new BufferedOutputStream(counting, 1 << 16));
    out.writeInt(MAGIC);
    out.writeInt(VERSION);
    int topics = 0;
    long[] entries = {0};
    IOException[] failed = {null};
    for (TopicInfo info : store.topics(filter)) {
      long last = info.lastSeq();
      out.writeByte(TOPIC);
      out.writeUTF(info.name());
      out.writeLong(last);
      out.writeLong(info.lastTimestampMillis());
      topics++;
      Long fromSeq = from.get(info.name());
      StartPosition start = fromSeq == null ? StartPosition.BEGINNING : StartPosition.atSeq(fromSeq);
      try (HistoryCursor c = store.openCursor(info.name(), start)) {
        boolean[] done = {false};
        EntryHandler h = e -> {
          if (e.seq() > last) {
            done[0] = true;
            return;
          }
          try {
            writeEntry(out, e);
            entries[0]++;
          } catch (IOException ex) {
            failed[0] = ex;
            done[0] = true;
          }
        };
        while (!done[0] && c.poll(h, 1024) > 0) {
          // until the topic's last seq at the time the export reached it
        }
      }
      if (failed[0] != null) {
        throw failed[0];
      }
      out.writeByte(TOPIC_END);
    }
    out.writeByte(END);
    out.writeLong(entries[0]);
    out.flush();
    return new ExportStats(topics, entries[0], counting.count);
  }

  private static void writeEntry(DataOutputStream out, Entry e) throws IOException {
    out.writeByte(ENTRY);
    out.writeLong(e.seq());
    out.writeLong(e.timestampMillis());
    out.writeLong(e.producerId());
    out.writeLong(e.producerSeq());
    out.writeInt(e.keyLength());
    out.writeInt(e.headersLength());
    out.writeInt(e.payloadLength());
    if (e.keyLength() > 0) {
      out.write(e.key());
    }
    if (e.headersLength() > 0) {
      out.write(e.headers());
    }
    out.write(e.payload());
  }

  static ImportStats importFrom(HistoryStore store, InputStream source) throws IOException {
    DataInputStream in = new DataInputStream(new BufferedInputStream(source, 1 << 16));
    if (in.readInt() != MAGIC) {
      throw new IOException("not a history transfer stream (bad magic)");
    }
    int version = in.readInt();
    if (version != VERSION) {
      throw new IOException("unsupported history transfer version " + version);
    }
    int topics = 0;
    long appended = 0;
    long skipped = 0;
    long seen = 0;
    while (true) {
      byte tag = in.readByte();
      if (tag == END) {
        long expected = in.readLong();
        if (expected != seen) {
          throw new IOException("history transfer stream ended after " + seen + " entries, expected " + expected);
        }
        break;
      }
      if (tag != TOPIC) {
        throw new IOException("malformed history transfer stream: tag " + tag);
      }
      String name = in.readUTF();
      long lastSeq = in.readLong();
      long lastTs = in.readLong();
      TopicState t = store.topicState(name);
      topics++;
      while (true) {
        byte et = in.readByte();
        if (et == TOPIC_END) {
          break;
        }
        if (et != ENTRY) {
          throw new IOException("malformed history transfer stream in topic " + name + ": tag " + et);
        }
        long seq = in.readLong();
        long ts = in.readLong();
        long producerId = in.readLong();
        long producerSeq = in.readLong();
        Parts p = readParts(in, in.readInt(), in.readInt(), in.readInt());
        seen++;
        if (store.appendImported(t, seq, ts, producerId, producerSeq, p.key, p.headers, p.payload)) {
          appended++;
        } else {
          skipped++;
        }
      }
      t.index.restoreCounters(lastSeq, lastTs);
    }
    return new ImportStats(topics, appended, skipped);
  }

  private record Parts(ByteBuffer key, ByteBuffer headers, ByteBuffer payload) {
  }

  private static Parts readParts(DataInputStream in, int keyLength, int headersLength,
                                 int payloadLength) throws IOException {
    if (payloadLength < 0 || keyLength < -1 || headersLength < -1) {
      throw new IOException("malformed history transfer entry lengths");
    }
    ByteBuffer key = keyLength < 0 ? null : ByteBuffer.wrap(in.readNBytes(keyLength));
    ByteBuffer headers = headersLength < 0 ? null : ByteBuffer.wrap(in.readNBytes(headersLength));
    ByteBuffer payload = ByteBuffer.wrap(in.readNBytes(payloadLength));
    if ((key != null && key.remaining() != keyLength)
        || (headers != null && headers.remaining() != headersLength)
        || payload.remaining() != payloadLength) {
      throw new EOFException("history transfer stream truncated");
    }
    return new Parts(key, headers, payload);
  }

  private static final class CountingOutputStream extends OutputStream {
    private final OutputStream out;
    long count;

    CountingOutputStream(OutputStream out) {
      this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }

    @Override
    public void flush() throws IOException {
      out.flush();
    }
  }
}
