package org.backplane.client.protocol;

import java.util.List;
import java.util.Map;
import java.util.Random;

/** One valid instance of every frame type, and random valid frames, for codec tests and the fuzzer. */
final class SampleFrames {
    private SampleFrames() {}

    static List<Frame> all() {
        return List.of(
                new Frame.Hello(1, 42L, "feed"),
                new Frame.Welcome(1, "node-1", "0.1.0", 2 << 20, 1 << 20, 4096, 1024),
                new Frame.Ping(7), new Frame.Pong(7),
                new Frame.ErrorFrame(ErrorCode.UNKNOWN_FRAME, false, "unknown frame type 0x7f; skipped"),
                new Frame.Publish(42, 1, "/DEMO/QUOTES/IBM", "IBM".getBytes(), HeadersCodec.encode(Map.of("src", "feed")),
                        "101.5".getBytes()),
                new Frame.Publish(42, 2, "/A", null, null, new byte[0]),
                new Frame.Ack(1, "/DEMO/QUOTES/IBM", 17, 1_700_000_000_000L),
                new Frame.AckRange(2, 100, "/DEMO/QUOTES/IBM", 18, 1_700_000_000_000L),
                new Frame.Nack(3, ErrorCode.BAD_TOPIC, "topic name 'x' must start with '/'"),
                new Frame.Subscribe(5, "/DEMO/**", new Frame.WireStart(Frame.WireStart.LAST_N, 10,
                        Map.of("/DEMO/A", 4L, "/DEMO/B", 9L)), 8192),
                new Frame.Subscribe(6, "/X", new Frame.WireStart(Frame.WireStart.END, 0, Map.of()), 16),
                new Frame.StartSeqs(5, Map.of("/DEMO/A", 12L, "/DEMO/AB", 3L, "/DEMO/B/C", 70_000L)),
                new Frame.Subscribed(5, 1_700_000_000_123L),
                new Frame.TopicAlias(1, "/DEMO/QUOTES/IBM"),
                new Frame.Message(5, 1, 17, 1_700_000_000_000L, null, null, "x".getBytes()),
                new Frame.Message(5, 1, 18, 1_700_000_000_001L, "k".getBytes(), HeadersCodec.encode(Map.of("a", "b")),
                        new byte[100]),
                new Frame.Credit(5, 2048), new Frame.Unsubscribe(5),
                new Frame.SubscriptionEnd(5, ErrorCode.NONE, ""),
                new Frame.TopicsRequest(9, "/**"),
                new Frame.TopicsReply(9, List.of(new Frame.TopicEntry("/A", 3, 1, 3, 300, 1_700_000_000_000L),
                        new Frame.TopicEntry("/B", 0, 0, 0, 0, 0))),
                new Frame.StatusRequest(10),
                new Frame.StatusReply(10, "node-1", "0.1.0", 1_700_000_000_000L, 5000, 2, 3, 4, 100, 200, 1));
    }

    /** A random valid frame. */
    static Frame random(Random r) {
        List<Frame> base = all();
        Frame f = base.get(r.nextInt(base.size()));
        if (f instanceof Frame.Publish) {
            return new Frame.Publish(r.nextLong(), r.nextLong(), "/T" + r.nextInt(50), r.nextBoolean() ? null : bytes(r, 8),
                    r.nextBoolean() ? null : HeadersCodec.encode(Map.of("h" + r.nextInt(3), "v")), bytes(r, 300));
        }
        if (f instanceof Frame.Message) {
            return new Frame.Message(r.nextInt(), r.nextInt(), r.nextLong(), r.nextLong(), r.nextBoolean() ? null : bytes(r, 8),
                    null, bytes(r, 300));
        }
        return f;
    }

    static byte[] bytes(Random r, int max) {
        byte[] b = new byte[r.nextInt(max + 1)];
        r.nextBytes(b);
        return b;
    }
}
