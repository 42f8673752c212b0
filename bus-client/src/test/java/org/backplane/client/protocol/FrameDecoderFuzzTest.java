package org.backplane.client.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Fuzzes {@link FrameDecoder} + {@link FrameCodec} with thousands of random byte strings and
 * mutated valid frames: the decoder must only ever yield frames or {@link DecodeFailure}s, never
 * throw, never allocate much more than the input, and finish promptly. Seeded: rerun a failure
 * with {@code -Dseed=N}.
 */
class FrameDecoderFuzzTest {
    private static final int MAX_FRAME = 64 * 1024;
    private static final int ROUNDS = 20_000;
    // allocation is only checked after this many rounds (class loading and JIT warm-up allocate)

    @Test
    @Timeout(60)
    void decoderOnlyYieldsFramesOrFailuresForRandomAndMutatedInput() {
        long seed = Long.getLong("seed", System.nanoTime());
        System.out.println("FrameDecoderFuzzTest seed=" + seed + " (rerun with -Dseed=" + seed + ")");
        Random r = new Random(seed);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        int frames = 0;
        int failures = 0;
        for (int round = 0; round < ROUNDS; round++) {
            byte[] input = input(r);
            boolean views = r.nextBoolean(); // both: records and zero-copy views
            int[] chunks = chunks(r, input.length);
            EmbeddedChannel ch = channel(views);
            long allocated = decode(ch, input, chunks, threads, tid, seed, round);
            Object out;
            while ((out = ch.readInbound()) != null) {
                if (out instanceof Frame) {
                    frames++;
                } else if (out instanceof PublishView v) {
                    frames++;
                    v.payload(); // the views must stay inside the frame
                    v.key();
                    v.headers();
                    v.release();
                } else if (out instanceof DecodeFailure) {
                    failures++;
                } else {
                    fail("seed " + seed + " round " + round + ": decoder produced " + out);
                }
            }
            ch.finishAndReleaseAll();
            long limit = 64 * 1024 + 8L * input.length;
            if (round >= 500 && allocated >= limit) {
                // a first run through some code path pays for class loading and compilation:
                // measure the same input once more and judge that
                EmbeddedChannel again = channel(views);
                allocated = decode(again, input, chunks, threads, tid, seed, round);
                releaseAll(again);
                assertTrue(allocated < limit,
                        "seed " + seed + " round " + round + ": decoding " + input.length + " bytes allocated " + allocated);
            }
        }
        System.out.println("FrameDecoderFuzzTest: " + frames + " frames, " + failures + " failures");
        assertTrue(frames > 1000, "the fuzzer should also produce valid frames");
        assertTrue(failures > 1000, "the fuzzer should also produce failures");
    }

    @Test
    @Timeout(10)
    void everyValidFrameSurvivesOneByteAtATimeDelivery() throws Exception {
        ByteBuf all = Unpooled.buffer();
        for (Frame f : SampleFrames.all()) {
            FrameCodec.encode(f, all);
        }
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(MAX_FRAME));
        while (all.isReadable()) {
            ch.writeInbound(all.readRetainedSlice(1));
        }
        for (Frame expected : SampleFrames.all()) {
            FrameCodecTest.assertSameFrame(expected, ch.readInbound());
        }
        assertNull(ch.readInbound());
        ch.finishAndReleaseAll();
    }

    @Test
    void publishViewsPointIntoTheFrameWithoutCopying() {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(MAX_FRAME, true));
        ByteBuf buf = Unpooled.buffer();
        FrameCodec.writePublish(buf, 7, 9, "/V", "k".getBytes(), HeadersCodec.encode(java.util.Map.of("a", "b")),
                "payload".getBytes());
        FrameCodec.encode(new Frame.Ping(1), buf);
        ch.writeInbound(buf);
        PublishView v = ch.readInbound();
        assertEquals(7, v.producerId());
        assertEquals(9, v.producerSeq());
        assertEquals("/V", v.topic());
        assertEquals(java.nio.ByteBuffer.wrap("k".getBytes()), v.key());
        assertEquals(java.util.Map.of("a", "b"), HeadersCodec.decode(bytes(v.headers())));
        assertEquals(java.nio.ByteBuffer.wrap("payload".getBytes()), v.payload());
        assertEquals(1 + 7 + bytes(v.headers()).length, v.size());
        Object ping = ch.readInbound();
        assertEquals(new Frame.Ping(1), ping);
        v.release();
        ch.finishAndReleaseAll();
        assertEquals(0, buf.refCnt(), "the view's retain was returned");
    }

    private static byte[] bytes(java.nio.ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }

    @Test
    void oversizedLengthIsRefusedAndTheRestOfTheStreamIgnored() {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(MAX_FRAME));
        ByteBuf buf = Unpooled.buffer().writeInt(MAX_FRAME + 1).writeByte(FrameType.PING).writeByte(0);
        FrameCodec.encode(new Frame.Ping(1), buf);
        ch.writeInbound(buf);
        DecodeFailure f = ch.readInbound();
        assertEquals(ErrorCode.FRAME_TOO_LARGE, f.code());
        assertTrue(f.fatal());
        assertTrue(f.message().contains("exceeds the limit of " + MAX_FRAME), f.message());
        ByteBuf later = Unpooled.buffer();
        FrameCodec.encode(new Frame.Ping(2), later);
        ch.writeInbound(later);
        assertNull(ch.readInbound());
        ch.finishAndReleaseAll();
    }

    @Test
    void unknownFrameIsSkippedAndTheNextOneDecoded() {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(MAX_FRAME));
        ByteBuf buf = Unpooled.buffer().writeInt(5).writeByte(0x7e).writeByte(0).writeBytes(new byte[] {1, 2, 3});
        FrameCodec.encode(new Frame.Ping(3), buf);
        ch.writeInbound(buf);
        DecodeFailure f = ch.readInbound();
        assertEquals(ErrorCode.UNKNOWN_FRAME, f.code());
        assertEquals(false, f.fatal());
        Object next = ch.readInbound();
        assertEquals(new Frame.Ping(3), next);
        ch.finishAndReleaseAll();
    }

    @Test
    void malformedFrameIsFatalAndStopsDecoding() {
        EmbeddedChannel ch = new EmbeddedChannel(new FrameDecoder(MAX_FRAME));
        ByteBuf buf = Unpooled.buffer().writeInt(4).writeByte(FrameType.PING).writeByte(0).writeShort(1);
        FrameCodec.encode(new Frame.Ping(4), buf);
        ch.writeInbound(buf);
        DecodeFailure f = ch.readInbound();
        assertEquals(ErrorCode.MALFORMED_FRAME, f.code());
        assertTrue(f.fatal());
        assertNull(ch.readInbound());
        ch.finishAndReleaseAll();
    }

    private static EmbeddedChannel channel(boolean views) {
        EmbeddedChannel ch = new EmbeddedChannel();
        // unpooled heap buffers, so the decoder's cumulation shows in the allocation count
        ch.config().setAllocator(new UnpooledByteBufAllocator(false));
        ch.pipeline().addLast(new FrameDecoder(MAX_FRAME, views));
        return ch;
    }

    /** Split points: the input arrives in random chunks, as TCP would deliver it. */
    private static int[] chunks(Random r, int length) {
        java.util.List<Integer> sizes = new java.util.ArrayList<>();
        int at = 0;
        while (at < length) {
            int n = 1 + r.nextInt(Math.min(length - at, 512));
            sizes.add(n);
            at += n;
        }
        return sizes.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Feeds {@code input} in {@code chunks}; returns the bytes this thread allocated doing it. */
    private static long decode(EmbeddedChannel ch, byte[] input, int[] chunks,
                               com.sun.management.ThreadMXBean threads, long tid, long seed, int round) {
        long before = threads.getThreadAllocatedBytes(tid);
        try {
            int at = 0;
            for (int n : chunks) {
                ch.writeInbound(Unpooled.wrappedBuffer(input, at, n));
                at += n;
            }
        } catch (Throwable t) {
            fail("seed " + seed + " round " + round + ": decoder threw " + t, t);
        }
        return threads.getThreadAllocatedBytes(tid) - before;
    }

    private static void releaseAll(EmbeddedChannel ch) {
        Object out;
        while ((out = ch.readInbound()) != null) {
            if (out instanceof PublishView v) {
                v.release();
            }
        }
        ch.finishAndReleaseAll();
    }

    /** Random bytes, valid frame sequences, or valid frames with mutations. */
    private static byte[] input(Random r) {
        switch (r.nextInt(4)) {
            case 0: {
                return SampleFrames.bytes(r, 200);
            }
            case 1: {
                ByteBuf buf = Unpooled.buffer();
                int n = 1 + r.nextInt(5);
                for (int i = 0; i < n; i++) {
                    FrameCodec.encode(SampleFrames.random(r), buf);
                }
                return toArray(buf);
            }
            default: {
                ByteBuf buf = Unpooled.buffer();
                FrameCodec.encode(SampleFrames.random(r), buf);
                byte[] b = toArray(buf);
                int mutations = 1 + r.nextInt(4);
                for (int i = 0; i < mutations; i++) {
                    b = mutate(r, b);
                }
                return b;
            }
        }
    }

    private static byte[] mutate(Random r, byte[] b) {
        if (b.length == 0) {
            return b;
        }
        switch (r.nextInt(6)) {
            case 0: // flip a bit
                b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                return b;
            case 1: // truncate
                return java.util.Arrays.copyOf(b, r.nextInt(b.length));
            case 2: { // set a random int field to an extreme value
                if (b.length < 8) {
                    return b;
                }
                int at = r.nextInt(b.length - 4);
                int v = switch (r.nextInt(4)) {
                    case 0 -> -1;
                    case 1 -> Integer.MAX_VALUE;
                    case 2 -> 0;
                    default -> r.nextInt(70_000);
                };
                b[at] = (byte) (v >>> 24);
                b[at + 1] = (byte) (v >>> 16);
                b[at + 2] = (byte) (v >>> 8);
                b[at + 3] = (byte) v;
                return b;
            }
            case 3: { // change the frame type
                if (b.length > 4) {
                    b[4] = (byte) r.nextInt(256);
                }
                return b;
            }
            case 4: { // insert garbage
                int at = r.nextInt(b.length);
                byte[] extra = SampleFrames.bytes(r, 16);
                byte[] c = new byte[b.length + extra.length];
                System.arraycopy(b, 0, c, 0, at);
                System.arraycopy(extra, 0, c, at, extra.length);
                System.arraycopy(b, at, c, at + extra.length, b.length - at);
                return c;
            }
            default: // random byte
                b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                return b;
        }
    }

    private static byte[] toArray(ByteBuf buf) {
        byte[] b = new byte[buf.readableBytes()];
        buf.readBytes(b);
        return b;
    }
}
