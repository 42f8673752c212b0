package org.backplane.server;

import org.backplane.client.protocol.ErrorCode;
import org.backplane.client.protocol.Frame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Exactly-once publish (B3) at the protocol level: a retried posting is acked, never appended twice. */
@Timeout(60)
class DedupIT {

    @Test
    void retriedPostingIsAckedWithTheOriginalSeqAlsoOnAnotherConnection() throws Exception {
        try (EmbeddedServer s = new EmbeddedServer()) {
            InetSocketAddress a = s.server.address();
            Frame.Ack first;
            try (RawClient c = RawClient.hello(a, 77)) {
                c.send(new Frame.Publish(77, 1, "/D/A", null, null, "one".getBytes()));
                first = assertInstanceOf(Frame.Ack.class, c.read());
                c.send(new Frame.Publish(77, 2, "/D/B", null, null, "two".getBytes()));
                assertInstanceOf(Frame.Ack.class, c.read());
                c.send(new Frame.Publish(77, 1, "/D/A", null, null, "one".getBytes()));
                Frame.Ack again = assertInstanceOf(Frame.Ack.class, c.read());
                assertEquals(first.seq(), again.seq());
                assertEquals(first.topic(), again.topic());
                assertEquals(first.timestampMillis(), again.timestampMillis());
            }
            try (RawClient c = RawClient.hello(a, 77)) {
                c.send(new Frame.Publish(77, 2, "/D/B", null, null, "two".getBytes()));
                Frame.Ack again = assertInstanceOf(Frame.Ack.class, c.read());
                assertEquals("/D/B", again.topic());
                assertEquals(1, again.seq());
                c.send(new Frame.Publish(77, 3, "/D/A", null, null, "three".getBytes()));
                assertEquals(2, assertInstanceOf(Frame.Ack.class, c.read()).seq());
            }
            assertEquals(3, s.server.publishedCount());
            assertEquals(2, s.server.duplicateCount());
        }
    }

    @Test
    void retryOlderThanTheDedupWindowIsRefusedNotDuplicated() throws Exception {
        try (EmbeddedServer s = new EmbeddedServer(b -> b.maxInFlightPerConnection(16))) {
            try (RawClient c = RawClient.hello(s.server.address(), 5)) {
                int n = 4096 + 10; // the store remembers the last max(4096, maxInFlight) per producer
                for (int i = 1; i <= n; i++) {
                    c.send(new Frame.Publish(5, i, "/W", null, null, new byte[] {(byte) i}));
                    assertInstanceOf(Frame.Ack.class, c.read());
                }
                c.send(new Frame.Publish(5, 1, "/W", null, null, new byte[] {1}));
                Frame.Nack nack = assertInstanceOf(Frame.Nack.class, c.read());
                assertEquals(ErrorCode.DEDUP_WINDOW_EXCEEDED, nack.code());
                assertTrue(nack.message().contains("dedup window"), nack.message());
                assertEquals(n, s.server.publishedCount());
            }
        }
    }
}
