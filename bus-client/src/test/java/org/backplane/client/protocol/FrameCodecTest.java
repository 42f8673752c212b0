package org.backplane.client.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrameCodecTest {

    @Test
    void everyFrameTypeRoundTrips() throws Exception {
        FrameCodec codec = new FrameCodec();
        for (Frame f : SampleFrames.all()) {
            ByteBuf buf = Unpooled.buffer();
            FrameCodec.encode(f, buf);
            int length = buf.readInt();
            assertEquals(buf.readableBytes(), length, "length prefix of " + f);
            Frame back = codec.decode(buf);
            assertSameFrame(f, back);
            assertFalse(buf.isReadable());
        }
    }

    @Test
    void publishLayoutMatchesTheProtocolDocument() {
        // docs/PROTOCOL.md, "Example": PUBLISH producer 1, seq 1, "/A/B", no key, no headers, payload "hi"
        ByteBuf buf = Unpooled.buffer();
        FrameCodec.writePublish(buf, 1, 1, "/A/B", null, null, "hi".getBytes());
        assertEquals("00000026" + "10" + "00" + "0000000000000001" + "0000000000000001" + "0004" + "2f412f42"
                + "ffffffff" + "ffffffff" + "00000002" + "6869", ByteBufUtil.hexDump(buf));
    }

    @Test
    void helloLayoutMatchesTheProtocolDocument() {
        ByteBuf buf = Unpooled.buffer();
        FrameCodec.encode(new Frame.Hello(1, 0x0102030405060708L, "cli"), buf);
        assertEquals("00000015" + "01" + "00" + "42504c4e" + "0001" + "0102030405060708" + "0003" + "636c69",
                ByteBufUtil.hexDump(buf));
    }

    @Test
    void documentedExampleBytes() {
        // docs/PROTOCOL.md, "Example": the four frames, byte for byte
        assertEquals("00000015" + "0100" + "42504c4e0001" + "0000000000000001" + "0003636c69",
                hex(new Frame.Hello(1, 1, "cli")));
        assertEquals("00000025" + "0200" + "42504c4e0001" + "00046e6f6465" + "0005302e312e30"
                        + "00110000" + "00100000" + "00001000" + "00000400",
                hex(new Frame.Welcome(1, "node", "0.1.0", 1114112, 1048576, 4096, 1024)));
        assertEquals("00000026" + "1000" + "0000000000000001" + "0000000000000001" + "00042f412f42"
                        + "ffffffff" + "ffffffff" + "00000002" + "6869",
                hex(new Frame.Publish(1, 1, "/A/B", null, null, "hi".getBytes())));
        assertEquals("00000020" + "1100" + "0000000000000001" + "00042f412f42" + "0000000000000007"
                        + "0000018bcfe56800",
                hex(new Frame.Ack(1, "/A/B", 7, 1_700_000_000_000L)));
    }

    @Test
    void topicSeqMapsAreFrontCodedInNameOrder() {
        // docs/PROTOCOL.md, "Topic to seq maps": /A/B -> 7, /A/BC -> 2, /A/D -> 1
        assertEquals("00000031" + "2700" + "00000005" + "00000003"
                        + "00" + "0004" + "2f412f42" + "0000000000000007"
                        + "04" + "0001" + "43" + "0000000000000002"
                        + "03" + "0001" + "44" + "0000000000000001",
                hex(new Frame.StartSeqs(5, Map.of("/A/D", 1L, "/A/BC", 2L, "/A/B", 7L))));
    }

    @Test
    void topicSeqMapsWithAnImpossiblePrefixAreMalformed() {
        FrameCodec codec = new FrameCodec();
        // first entry claims 3 bytes shared with a previous name that does not exist
        ByteBuf body = Unpooled.buffer().writeByte(FrameType.START_SEQS).writeByte(0).writeInt(5).writeInt(1)
                .writeByte(3).writeShort(1).writeByte('A').writeLong(1);
        ProtocolException e = assertThrows(ProtocolException.class, () -> codec.decode(body));
        assertEquals(ErrorCode.MALFORMED_FRAME, e.code());
        assertTrue(e.fatal());
    }

    private static String hex(Frame f) {
        ByteBuf buf = Unpooled.buffer();
        FrameCodec.encode(f, buf);
        return ByteBufUtil.hexDump(buf);
    }

    @Test
    void unknownTypeIsNotFatalAndTruncationIs() {
        FrameCodec codec = new FrameCodec();
        ProtocolException unknown = assertThrows(ProtocolException.class,
                () -> codec.decode(Unpooled.wrappedBuffer(new byte[] {0x7f, 0, 1, 2, 3})));
        assertEquals(ErrorCode.UNKNOWN_FRAME, unknown.code());
        assertFalse(unknown.fatal());
        ProtocolException truncated = assertThrows(ProtocolException.class,
                () -> codec.decode(Unpooled.wrappedBuffer(new byte[] {FrameType.PUBLISH, 0, 1, 2})));
        assertEquals(ErrorCode.MALFORMED_FRAME, truncated.code());
        assertTrue(truncated.fatal());
    }

    @Test
    void topicCacheNeverConfusesNamesOfAnyLength() throws Exception {
        FrameCodec codec = new FrameCodec();
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder b = new StringBuilder("/");
            int n = 1 + r.nextInt(40);
            for (int k = 0; k < n; k++) {
                b.append((char) ('A' + r.nextInt(3))); // few letters: many near-collisions
            }
            String topic = b.toString();
            ByteBuf buf = Unpooled.buffer();
            FrameCodec.writeAck(buf, i, topic, 1, 0);
            buf.readInt();
            assertEquals(topic, ((Frame.Ack) codec.decode(buf)).topic());
        }
    }

    @Test
    void hugeDeclaredFieldLengthIsRefusedBeforeAllocating() {
        ByteBuf buf = Unpooled.buffer();
        buf.writeByte(FrameType.PUBLISH).writeByte(0).writeLong(1).writeLong(1);
        buf.writeShort(2).writeBytes("/A".getBytes());
        buf.writeInt(Integer.MAX_VALUE); // key "length"
        ProtocolException e = assertThrows(ProtocolException.class, () -> new FrameCodec().decode(buf));
        assertEquals(ErrorCode.MALFORMED_FRAME, e.code());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void nonZeroFlagsAndTrailingBytesAreMalformed() {
        ByteBuf flags = Unpooled.buffer().writeByte(FrameType.PING).writeByte(1).writeLong(1);
        assertEquals(ErrorCode.MALFORMED_FRAME,
                assertThrows(ProtocolException.class, () -> new FrameCodec().decode(flags)).code());
        ByteBuf trailing = Unpooled.buffer().writeByte(FrameType.PING).writeByte(0).writeLong(1).writeByte(9);
        assertEquals(ErrorCode.MALFORMED_FRAME,
                assertThrows(ProtocolException.class, () -> new FrameCodec().decode(trailing)).code());
    }

    @Test
    void headersRoundTripInOrderAndBadBlocksAreNamed() {
        Map<String, String> h = new java.util.LinkedHashMap<>();
        h.put("src", "feed");
        h.put("é", "ü");
        assertEquals(h, HeadersCodec.decode(HeadersCodec.encode(h)));
        assertEquals(null, HeadersCodec.problem(HeadersCodec.encode(h)));
        assertTrue(HeadersCodec.problem(new byte[] {0, 1, 0, 5}).contains("truncated"));
        assertTrue(HeadersCodec.problem(new byte[] {0, 0, 7}).contains("trailing"));
    }

    static void assertSameFrame(Frame expected, Frame actual) {
        assertEquals(expected.getClass(), actual.getClass());
        if (expected instanceof Frame.Publish p && actual instanceof Frame.Publish q) {
            assertEquals(p.producerId(), q.producerId());
            assertEquals(p.producerSeq(), q.producerSeq());
            assertEquals(p.topic(), q.topic());
            assertArrayEquals(p.key(), q.key());
            assertArrayEquals(p.headers(), q.headers());
            assertArrayEquals(p.payload(), q.payload());
        } else if (expected instanceof Frame.Message p && actual instanceof Frame.Message q) {
            assertEquals(Arrays.asList(p.subscriptionId(), p.alias(), p.seq(), p.timestampMillis()),
                    Arrays.asList(q.subscriptionId(), q.alias(), q.seq(), q.timestampMillis()));
            assertArrayEquals(p.key(), q.key());
            assertArrayEquals(p.headers(), q.headers());
            assertArrayEquals(p.payload(), q.payload());
        } else {
            assertEquals(expected, actual);
        }
    }
}
