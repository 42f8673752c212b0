package org.backplane.history;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Child process of {@link CrashRecoveryIT}: appends continuously and prints "ACK topic seq"
 * after each commit; in mode "torn" it then leaves a record half written (an open Chronicle
 * document, as a writer killed mid-append would) and prints "HOLDING".
 */
public final class CrashChild {
  private CrashChild() {
  }

  static String payload(String topic, long seq) {
    return topic + "#" + seq + "#" + "x".repeat((int) (seq % 50));
  }

  static HistoryConfig config(Path dir) {
    return HistoryConfig.builder(dir).rollPeriod(Duration.ofMinutes(1))
        .checkpointEveryEntries(5_000).build();
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    String mode = args[1];
    long limit = Long.parseLong(args[2]);
    HistoryStore store = HistoryStore.open(config(dir));
    StringBuilder acks = new StringBuilder();
    for (long i = 0; i < limit; i++) {
      String topic = "/crash/" + (i % 5);
      TopicLog t = store.topic(topic);
      long seq = t.lastSeq() + 1;
      long got = store.append(t, i, 9, i + 1, null, null,
          ByteBuffer.wrap(payload(topic, seq).getBytes(StandardCharsets.UTF_8)));
      if (got != seq) {
        throw new IllegalStateException("seq " + got + " expected " + seq);
      }
      acks.append("ACK ").append(topic).append(' ').append(seq).append('\n');
      if (i % 16 == 15) {
        store.commit();
        store.maintain(System.currentTimeMillis());
        System.out.print(acks);
        System.out.flush();
        acks.setLength(0);
      }
    }
    store.commit();
    System.out.print(acks);
    System.out.flush();
    if (mode.equals("torn")) {
      try (SingleChronicleQueue q = SingleChronicleQueueBuilder.binary(dir.resolve(HistoryStore.LOG_DIR))
          .rollCycle(HistoryStore.rollCycleFor(Duration.ofMinutes(1))).build()) {
        ExcerptAppender a = q.createAppender();
        DocumentContext dc = a.writingDocument();
        dc.wire().bytes().writeByte(RecordLayout.KIND_ENTRY).writeInt(12345).writeLong(77);
        System.out.println("HOLDING");
        System.out.flush();
        Thread.sleep(600_000);
      }
    }
    Thread.sleep(600_000); // wait to be killed
  }
}
