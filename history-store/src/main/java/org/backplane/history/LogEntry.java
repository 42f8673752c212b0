package org.backplane.history;

import static org.backplane.history.RecordLayout.HEADERS_LENGTH;
import static org.backplane.history.RecordLayout.HEADER_BYTES;
import static org.backplane.history.RecordLayout.KEY_LENGTH;
import static org.backplane.history.RecordLayout.PAYLOAD_LENGTH;
import static org.backplane.history.RecordLayout.PRODUCER_ID;
import static org.backplane.history.RecordLayout.PRODUCER_SEQ;
import static org.backplane.history.RecordLayout.SEQ;
import static org.backplane.history.RecordLayout.TIMESTAMP;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import net.openhft.chronicle.bytes.Bytes;

/**
 * The {@link Entry} flyweight a cursor points at the record it is reading: no copy, no
 * allocation (README "Reading"). One instance per cursor, re-pointed for every delivery.
 * Also the copy helpers between Chronicle bytes and ByteBuffers used by the writer.
 */
final class LogEntry implements Entry {
  private Bytes<?> bytes;
  private long offset;
  private String topic;

  LogEntry wrap(Bytes<?> bytes, long offset, String topic) {
    this.bytes = bytes;
    this.offset = offset;
    this.topic = topic;
    return this;
  }

  @Override
  public String topic() {
    return topic;
  }

  @Override
  public long seq() {
    return bytes.readLong(offset + SEQ);
  }

  @Override
  public long timestampMillis() {
    return bytes.readLong(offset + TIMESTAMP);
  }

  @Override
  public long producerId() {
    return bytes.readLong(offset + PRODUCER_ID);
  }

  @Override
  public long producerSeq() {
    return bytes.readLong(offset + PRODUCER_SEQ);
  }

  @Override
  public int keyLength() {
    return bytes.readInt(offset + KEY_LENGTH);
  }

  @Override
  public int headersLength() {
    return bytes.readInt(offset + HEADERS_LENGTH);
  }

  @Override
  public int payloadLength() {
    return bytes.readInt(offset + PAYLOAD_LENGTH);
  }

  private long keyOffset() {
    return offset + HEADER_BYTES;
  }

  private long headersOffset() {
    return keyOffset() + Math.max(keyLength(), 0);
  }

  private long payloadOffset() {
    return headersOffset() + Math.max(headersLength(), 0);
  }

  @Override
  public void copyKey(ByteBuffer dst) {
    copyOut(bytes, keyOffset(), keyLength(), dst);
  }

  @Override
  public void copyHeaders(ByteBuffer dst) {
    copyOut(bytes, headersOffset(), headersLength(), dst);
  }

  @Override
  public void copyPayload(ByteBuffer dst) {
    copyOut(bytes, payloadOffset(), payloadLength(), dst);
  }

  @Override
  public byte[] key() {
    return array(keyOffset(), keyLength());
  }

  @Override
  public byte[] headers() {
    return array(headersOffset(), headersLength());
  }

  @Override
  public byte[] payload() {
    return array(payloadOffset(), payloadLength());
  }

  private byte[] array(long from, int length) {
    if (length < 0) {
      return null;
    }
    byte[] out = new byte[length];
    bytes.read(from, out, 0, length);
    return out;
  }

  /** Copies {@code length} bytes at {@code from} into {@code dst}, advancing its position. */
  static void copyOut(Bytes<?> bytes, long from, int length, ByteBuffer dst) {
    if (length <= 0) {
      return;
    }
    if (dst.remaining() < length) {
      throw new BufferOverflowException();
    }
    int pos = dst.position();
    if (dst.hasArray()) {
      bytes.read(from, dst.array(), dst.arrayOffset() + pos, length);
    } else {
      boolean swap = dst.order() == ByteOrder.BIG_ENDIAN;
      int i = 0;
      for (; i + 8 <= length; i += 8) {
        long v = bytes.readLong(from + i);
        dst.putLong(pos + i, swap ? Long.reverseBytes(v) : v);
      }
      for (; i < length; i++) {
        dst.put(pos + i, bytes.readByte(from + i));
      }
    }
    dst.position(pos + length);
  }

  /** Appends the remaining bytes of {@code src} to {@code bytes} without moving {@code src}. */
  static void copyIn(ByteBuffer src, Bytes<?> bytes) {
    int pos = src.position();
    int length = src.remaining();
    if (src.hasArray()) {
      bytes.write(src.array(), src.arrayOffset() + pos, length);
      return;
    }
    long at = bytes.writePosition();
    bytes.writeSkip(length); // reserve, then one bulk absolute copy (src's position untouched)
    bytes.write(at, src, pos, length);
  }
}
