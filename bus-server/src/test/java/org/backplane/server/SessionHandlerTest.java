package org.backplane.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.backplane.client.protocol.DecodeFailure;
import org.backplane.client.protocol.ErrorCode;
import org.backplane.client.protocol.Frame;
import org.backplane.client.protocol.FrameCodec;
import org.backplane.client.protocol.FrameEncoder;
import org.backplane.client.protocol.ProtocolException;
import org.backplane.history.HistoryConfig;
import org.backplane.history.HistoryStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link SessionHandler} on an {@link EmbeddedChannel} with a real history store and a
 * synchronous orderer (delivery runs on the test thread, which is the embedded event loop).
 */
class SessionHandlerTest {
    private Path dir;
    private HistoryStore store;
    private ServerContext context;
    private EmbeddedChannel ch;
    private Delivery delivery;
    private boolean hold;
    private final List<List<Submission>> held = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        dir = Files.createTempDirectory("session-test-");
        store = HistoryStore.open(HistoryConfig.builder(dir).build());
        ServerMetrics metrics = new ServerMetrics();
        SubscriptionRegistry registry = new SubscriptionRegistry();
        delivery = new Delivery(store, registry, metrics, Clock.systemUTC());
        Orderer inline = new Orderer() {
            @Override
            public void submit(List<Submission> batch) {
                if (hold) {
                    held.add(batch);
                } else {
                    delivery.deliver(batch);
                }
            }

            @Override
            public void close() {}
        };
        ServerConfig config = ServerConfig.builder().dataDir(dir).maxMessageBytes(1000)
                .maxInFlightPerConnection(4).maxSubscriptionsPerConnection(2).build();
        context = new ServerContext(config, store, inline, registry, metrics, Clock.systemUTC(), System.currentTimeMillis());
        context.serverId = "test";
        ch = new EmbeddedChannel(FrameEncoder.INSTANCE, new SessionHandler(context));
    }

    @AfterEach
    void tearDown() throws Exception {
        ch.finishAndReleaseAll();
        store.close();
        EmbeddedServer.deleteTree(dir);
    }

    private List<Frame> outbound() throws ProtocolException {
        ch.runPendingTasks();
        ByteBuf all = Unpooled.buffer();
        Object o;
        while ((o = ch.readOutbound()) != null) {
            ByteBuf b = (ByteBuf) o;
            all.writeBytes(b);
            b.release();
        }
        FrameCodec codec = new FrameCodec();
        List<Frame> frames = new ArrayList<>();
        while (all.isReadable()) {
            int length = all.readInt();
            frames.add(codec.decode(all.readSlice(length)));
        }
        return frames;
    }

    private void hello() throws Exception {
        ch.writeInbound(new Frame.Hello(FrameCodec.PROTOCOL_VERSION, 9, "t"));
        Frame.Welcome w = assertInstanceOf(Frame.Welcome.class, outbound().get(0));
        assertEquals("test", w.serverId());
        assertEquals(1000, w.maxMessageBytes());
        assertEquals(4, w.maxInFlight());
    }

    @Test
    void handshakeThenPublishesAreAckedInOrder() throws Exception {
        hello();
        ch.writeInbound(new Frame.Publish(9, 1, "/S/A", null, null, "a".getBytes()),
                new Frame.Publish(9, 2, "/S/A", null, null, "b".getBytes()));
        List<Frame> out = outbound();
        // one read, one delivered batch: the two acks go out as one ACK_RANGE
        assertEquals(List.of(new Frame.AckRange(1, 2, "/S/A", 1, ((Frame.AckRange) out.get(0)).timestampMillis())), out);
        ch.writeInbound(new Frame.Publish(9, 3, "/S/B", null, null, "c".getBytes()));
        out = outbound();
        assertEquals(List.of(new Frame.Ack(3, "/S/B", 1, ((Frame.Ack) out.get(0)).timestampMillis())), out);
    }

    @Test
    void anythingBeforeHelloClosesTheConnectionWithAnError() throws Exception {
        ch.writeInbound(new Frame.Publish(9, 1, "/S/A", null, null, "a".getBytes()));
        Frame.ErrorFrame e = assertInstanceOf(Frame.ErrorFrame.class, outbound().get(0));
        assertEquals(ErrorCode.HANDSHAKE_REQUIRED, e.code());
        assertFalse(ch.isOpen());
    }

    @Test
    void decodeFailuresAreReportedAndOnlyFatalOnesClose() throws Exception {
        hello();
        ch.writeInbound(new DecodeFailure(ErrorCode.UNKNOWN_FRAME, "unknown frame type 0x7e; skipped", false));
        assertEquals(ErrorCode.UNKNOWN_FRAME, assertInstanceOf(Frame.ErrorFrame.class, outbound().get(0)).code());
        assertTrue(ch.isOpen());
        ch.writeInbound(new DecodeFailure(ErrorCode.MALFORMED_FRAME, "PUBLISH frame is truncated", true));
        Frame.ErrorFrame e = assertInstanceOf(Frame.ErrorFrame.class, outbound().get(0));
        assertTrue(e.closing());
        assertFalse(ch.isOpen());
    }

    @Test
    void badPostingsAreNackedAndNothingIsStored() throws Exception {
        hello();
        ch.writeInbound(new Frame.Publish(9, 1, "/S/A B", null, null, "a".getBytes()),
                new Frame.Publish(9, 2, "/S/A", null, null, new byte[1001]));
        List<Frame> out = outbound();
        assertEquals(ErrorCode.BAD_TOPIC, ((Frame.Nack) out.get(0)).code());
        assertEquals(ErrorCode.MESSAGE_TOO_LARGE, ((Frame.Nack) out.get(1)).code());
        assertTrue(store.topics(t -> true).isEmpty());
    }

    @Test
    void readingPausesWhileTooManyPostingsAwaitAcks() throws Exception {
        hello();
        hold = true; // the orderer keeps the batch: nothing is acked yet
        ch.writeInbound(new Frame.Publish(9, 1, "/S/A", null, null, "x".getBytes()),
                new Frame.Publish(9, 2, "/S/A", null, null, "x".getBytes()));
        assertTrue(ch.config().isAutoRead(), "2 of 4 in flight: keep reading");
        ch.writeInbound(new Frame.Publish(9, 3, "/S/A", null, null, "x".getBytes()),
                new Frame.Publish(9, 4, "/S/A", null, null, "x".getBytes()));
        assertFalse(ch.config().isAutoRead(), "4 postings in flight = the limit: stop reading");
        held.forEach(delivery::deliver);
        List<Frame> acks = outbound(); // running the tasks writes the acks
        assertEquals(4, acks.stream().mapToInt(f -> f instanceof Frame.AckRange r ? r.count() : 1).sum());
        assertTrue(ch.config().isAutoRead(), "acks caught up: read again");
    }

    @Test
    void subscriptionSendsWithinCreditsAndMoreAfterCredit() throws Exception {
        hello();
        for (int i = 1; i <= 5; i++) {
            ch.writeInbound(new Frame.Publish(9, i, "/S/A", null, null, ("m" + i).getBytes()));
        }
        outbound();
        ch.writeInbound(new Frame.Subscribe(1, "/S/*", new Frame.WireStart(Frame.WireStart.BEGINNING, 0, Map.of()), 2));
        List<Frame> out = outbound();
        assertInstanceOf(Frame.Subscribed.class, out.get(0));
        assertEquals(new Frame.TopicAlias(1, "/S/A"), out.get(1));
        assertEquals(1, ((Frame.Message) out.get(2)).seq());
        assertEquals(2, ((Frame.Message) out.get(3)).seq());
        assertEquals(4, out.size(), "two credits, two messages");
        ch.writeInbound(new Frame.Credit(1, 10));
        out = outbound();
        assertEquals(3, out.size());
        assertEquals(5, ((Frame.Message) out.get(2)).seq());
        assertEquals("m5", new String(((Frame.Message) out.get(2)).payload()));
        // live: a new posting reaches the subscription through the delivery wake-up
        ch.writeInbound(new Frame.Publish(9, 6, "/S/A", null, null, "m6".getBytes()));
        out = outbound();
        assertTrue(out.stream().anyMatch(f -> f instanceof Frame.Message m && m.seq() == 6), out.toString());
        ch.writeInbound(new Frame.Unsubscribe(1));
        Frame.SubscriptionEnd end = assertInstanceOf(Frame.SubscriptionEnd.class, outbound().get(0));
        assertEquals(ErrorCode.NONE, end.code());
    }

    @Test
    void nowAndLastNSubscriptionsSayWhereTheyStartInEachTopicBeforeSubscribed() throws Exception {
        hello();
        long producerSeq = 0;
        // /S/A: 5 postings, /S/B: 1, /S/C: 3; /T/X does not match
        for (String topic : List.of("/S/A", "/S/A", "/S/B", "/S/A", "/S/C", "/S/A", "/S/C", "/S/A", "/S/C", "/T/X")) {
            ch.writeInbound(new Frame.Publish(9, ++producerSeq, topic, null, null, "x".getBytes()));
            outbound();
        }
        ch.writeInbound(new Frame.Subscribe(1, "/S/*", new Frame.WireStart(Frame.WireStart.END, 0, Map.of()), 0));
        List<Frame> out = outbound();
        assertEquals(new Frame.StartSeqs(1, Map.of("/S/A", 6L, "/S/B", 2L, "/S/C", 4L)), out.get(0));
        assertInstanceOf(Frame.Subscribed.class, out.get(1));
        assertEquals(2, out.size());

        // last 2: /S/B starts at seq 1 (it has one posting), so it is left out
        ch.writeInbound(new Frame.Subscribe(2, "/S/*", new Frame.WireStart(Frame.WireStart.LAST_N, 2, Map.of()), 0));
        out = outbound();
        assertEquals(new Frame.StartSeqs(2, Map.of("/S/A", 4L, "/S/C", 2L)), out.get(0));
        assertInstanceOf(Frame.Subscribed.class, out.get(1));
        ch.writeInbound(new Frame.Unsubscribe(1), new Frame.Unsubscribe(2));
        outbound();

        // a literal topic, and a start that needs no snapshot
        ch.writeInbound(new Frame.Subscribe(3, "/S/C", new Frame.WireStart(Frame.WireStart.END, 0, Map.of()), 0),
                new Frame.Subscribe(4, "/S/*", new Frame.WireStart(Frame.WireStart.BEGINNING, 0, Map.of()), 0));
        out = outbound();
        assertEquals(new Frame.StartSeqs(3, Map.of("/S/C", 4L)), out.get(0));
        assertInstanceOf(Frame.Subscribed.class, out.get(1));
        assertInstanceOf(Frame.Subscribed.class, out.get(2));
        assertEquals(3, out.size());
    }

    @Test
    void aStartSnapshotOfManyTopicsGoesOutInBoundedFrames() throws Exception {
        hello();
        int topics = 3000;
        Map<String, Long> expected = new HashMap<>();
        for (int i = 0; i < topics; i++) {
            String topic = "/MANY/SEGMENT-WITH-A-LONGER-NAME/T" + i;
            ch.writeInbound(new Frame.Publish(9, i + 1, topic, null, null, "x".getBytes()));
            expected.put(topic, 2L);
        }
        outbound();
        ch.writeInbound(new Frame.Subscribe(1, "/MANY/**", new Frame.WireStart(Frame.WireStart.END, 0, Map.of()), 0));
        ch.runPendingTasks();
        Map<String, Long> got = new HashMap<>();
        int frames = 0;
        Object o;
        FrameCodec codec = new FrameCodec();
        ByteBuf all = Unpooled.buffer();
        while ((o = ch.readOutbound()) != null) {
            all.writeBytes((ByteBuf) o);
            ((ByteBuf) o).release();
        }
        while (all.isReadable()) {
            int length = all.readInt();
            assertTrue(length <= SessionHandler.START_SEQS_FRAME_BYTES + 64, "frame of " + length + " bytes");
            Frame f = codec.decode(all.readSlice(length));
            if (f instanceof Frame.StartSeqs s) {
                frames++;
                got.putAll(s.startSeqs());
            } else {
                assertInstanceOf(Frame.Subscribed.class, f);
                assertFalse(all.isReadable(), "SUBSCRIBED comes last");
            }
        }
        assertEquals(expected, got);
        assertTrue(frames > 1, frames + " frames");
    }

    @Test
    void subscriptionLimitPerConnectionIsEnforced() throws Exception {
        hello();
        Frame.WireStart now = new Frame.WireStart(Frame.WireStart.END, 0, Map.of());
        ch.writeInbound(new Frame.Subscribe(1, "/A", now, 1), new Frame.Subscribe(2, "/B", now, 1),
                new Frame.Subscribe(3, "/C", now, 1));
        List<Frame> out = outbound();
        assertEquals(ErrorCode.TOO_MANY_SUBSCRIPTIONS, ((Frame.SubscriptionEnd) out.get(2)).code());
    }

    @Test
    void topicsAndStatusAreAnswered() throws Exception {
        hello();
        ch.writeInbound(new Frame.Publish(9, 1, "/S/A", null, null, "abc".getBytes()));
        outbound();
        ch.writeInbound(new Frame.TopicsRequest(7, "/S/**"), new Frame.StatusRequest(8), new Frame.Ping(3));
        List<Frame> out = outbound();
        Frame.TopicsReply t = assertInstanceOf(Frame.TopicsReply.class, out.get(0));
        assertEquals(7, t.requestId());
        assertEquals("/S/A", t.topics().get(0).name());
        assertEquals(1, t.topics().get(0).lastSeq());
        Frame.StatusReply s = assertInstanceOf(Frame.StatusReply.class, out.get(1));
        assertEquals(1, s.published());
        assertEquals(1, s.topics());
        assertEquals(new Frame.Pong(3), out.get(2));
    }
}
