package org.backplane.history;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The binary layout of one excerpt of the shared log (README "On-disk format"). Every
 * excerpt starts with a kind byte; multi-byte fields are little-endian (Chronicle Bytes' order).
 *
 * <pre>
 * offset size  field
 *  0      1    kind: ENTRY, RELOCATED, RELOCATE_BEGIN, RELOCATE_END
 *  1      3    reserved (0)
 *  4      4    topicId (index into topics.dat)
 *  8      8    seq                 (RELOCATE_BEGIN: number of RELOCATED records that follow)
 * 16      8    timestampMillis
 * 24      8    producerId
 * 32      8    producerSeq
 * 40      4    keyLength     (-1 = absent)
 * 44      4    headersLength (-1 = absent)
 * 48      4    payloadLength
 * 52      ...  key, headers, payload bytes
 * </pre>
 *
 * A RELOCATED record is a copy of a still-retained entry of a compacted topic written at the
 * head of the log so that older log files can be deleted; RELOCATE_BEGIN / RELOCATE_END bracket
 * the complete retained set of one topic, and a reader applies the block only once it sees
 * the END (a block torn by a crash is ignored; the originals are still on disk then).
 */
final class RecordLayout {
  private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  static final byte KIND_ENTRY = 1;
  static final byte KIND_RELOCATED = 2;
  static final byte KIND_RELOCATE_BEGIN = 3;
  static final byte KIND_RELOCATE_END = 4;

  static final int KIND = 0;
  static final int TOPIC_ID = 4;
  static final int SEQ = 8;
  static final int TIMESTAMP = 16;
  static final int PRODUCER_ID = 24;
  static final int PRODUCER_SEQ = 32;
  static final int KEY_LENGTH = 40;
  static final int HEADERS_LENGTH = 44;
  static final int PAYLOAD_LENGTH = 48;
  static final int HEADER_BYTES = 52;

  private RecordLayout() {
  }

  /**
   * Fills {@code h} (at least {@link #HEADER_BYTES} long) with a record header, so that the
   * writer copies it into the log with one bulk write (one bounds check instead of eleven).
   */
  static void encodeHeader(byte[] h, byte kind, int topicId, long seq, long timestampMillis,
                           long producerId, long producerSeq, int keyLength, int headersLength,
                           int payloadLength) {
    INT.set(h, KIND, kind & 0xff); // kind and the three reserved bytes
    INT.set(h, TOPIC_ID, topicId);
    LONG.set(h, SEQ, seq);
    LONG.set(h, TIMESTAMP, timestampMillis);
    LONG.set(h, PRODUCER_ID, producerId);
    LONG.set(h, PRODUCER_SEQ, producerSeq);
    INT.set(h, KEY_LENGTH, keyLength);
    INT.set(h, HEADERS_LENGTH, headersLength);
    INT.set(h, PAYLOAD_LENGTH, payloadLength);
  }

  /** Stored size of an entry: header plus the present parts. */
  static int storedBytes(int keyLength, int headersLength, int payloadLength) {
    return HEADER_BYTES + Math.max(keyLength, 0) + Math.max(headersLength, 0) + payloadLength;
  }
}
