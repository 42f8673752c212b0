package org.backplane.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.backplane.client.BusClient;
import org.backplane.client.BusMessage;
import org.backplane.client.ClientOptions;
import org.backplane.client.PublishException;
import org.backplane.client.StartPosition;
import org.backplane.client.Subscription;
import org.backplane.client.protocol.ErrorCode;
import org.backplane.client.protocol.Frame;
import org.backplane.client.protocol.FrameCodec;
import org.backplane.client.protocol.FrameType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input (B8): malformed, unknown and oversized frames, bad topic names, protocol misuse and
 * a peer dying mid-frame each get their error, and a healthy client publishing and subscribing
 * throughout never notices.
 */
@Timeout(120)
class BadInputIT {
    private static final int MAX_MESSAGE = 4096;
    private static EmbeddedServer server;
    private static InetSocketAddress address;
    private static BusClient healthy;
    private static Subscription healthySub;
    private static final List<BusMessage> received = new CopyOnWriteArrayList<>();
    private static final AtomicBoolean publishing = new AtomicBoolean(true);
    private static final AtomicLong acked = new AtomicLong();
    private static Thread publisher;

    @BeforeAll
    static void startServerAndHealthyClient() throws Exception {
        server = new EmbeddedServer(b -> b.maxMessageBytes(MAX_MESSAGE));
        address = server.server.address();
        healthy = BusClient.connect(ClientOptions.builder().servers(server.address()).name("healthy").build());
        healthySub = healthy.subscribe("/HEALTHY/*", StartPosition.fromStart(), received::add);
        publisher = new Thread(() -> {
            int i = 0;
            while (publishing.get()) {
                healthy.publishSync("/HEALTHY/A", ("h" + (++i)).getBytes());
                acked.incrementAndGet();
            }
        }, "healthy-publisher");
        publisher.start();
        Await.until(() -> acked.get() > 10, "healthy traffic");
    }

    @AfterAll
    static void checkHealthyClientNeverNoticed() throws Exception {
        long before = acked.get();
        Await.until(() -> acked.get() > before + 50, "healthy traffic after the bad input");
        publishing.set(false);
        publisher.join(10_000);
        long total = acked.get();
        Await.until(() -> received.size() >= total, "healthy subscriber to catch up");
        for (int i = 0; i < total; i++) {
            assertEquals(i + 1, received.get(i).seq());
            assertEquals("h" + (i + 1), received.get(i).payloadAsText());
        }
        healthySub.close();
        healthy.close();
        server.close();
    }

    @Test
    void garbageBeforeHandshakeIsRefusedAndClosed() throws Exception {
        try (RawClient c = new RawClient(address)) {
            c.send(new Frame.Ping(1));
            Frame.ErrorFrame e = assertInstanceOf(Frame.ErrorFrame.class, c.read());
            assertEquals(ErrorCode.HANDSHAKE_REQUIRED, e.code());
            assertTrue(e.closing());
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void wrongMagicOrVersionIsRefused() throws Exception {
        try (RawClient c = new RawClient(address)) {
            c.send(new Frame.Hello(99, 1, "future"));
            Frame.ErrorFrame e = assertInstanceOf(Frame.ErrorFrame.class, c.read());
            assertEquals(ErrorCode.UNSUPPORTED_VERSION, e.code());
            assertTrue(e.message().contains("version 99"), e.message());
            assertTrue(c.closedByServer());
        }
        try (RawClient c = new RawClient(address)) {
            c.sendBytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
            Frame.ErrorFrame e = assertInstanceOf(Frame.ErrorFrame.class, c.read());
            assertEquals(ErrorCode.FRAME_TOO_LARGE, e.code());
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void unknownFrameTypeGetsAnErrorAndTheConnectionKeepsWorking() throws Exception {
        try (RawClient c = RawClient.hello(address, 0)) {
            c.sendBytes(new byte[] {0, 0, 0, 4, 0x7e, 0, 1, 2});
            Frame.ErrorFrame e = assertInstanceOf(Frame.ErrorFrame.class, c.read());
            assertEquals(ErrorCode.UNKNOWN_FRAME, e.code());
            assertTrue(!e.closing());
            c.send(new Frame.Ping(5));
            assertEquals(new Frame.Pong(5), c.read());
        }
    }

    @Test
    void badTopicAndOversizedPostingAreNackedWithTheReason() throws Exception {
        try (RawClient c = RawClient.hello(address, 0)) {
            c.send(new Frame.Publish(0, 1, "NO-SLASH", null, null, new byte[1]));
            Frame.Nack n = assertInstanceOf(Frame.Nack.class, c.read());
            assertEquals(1, n.producerSeq());
            assertEquals(ErrorCode.BAD_TOPIC, n.code());
            assertTrue(n.message().contains("must start with '/'"), n.message());
            c.send(new Frame.Publish(0, 2, "/BIG", null, null, new byte[MAX_MESSAGE + 1]));
            n = assertInstanceOf(Frame.Nack.class, c.read());
            assertEquals(ErrorCode.MESSAGE_TOO_LARGE, n.code());
            assertTrue(n.message().contains("limit is " + MAX_MESSAGE), n.message());
            c.send(new Frame.Publish(0, 3, "/OK", null, new byte[] {0, 5}, new byte[1]));
            n = assertInstanceOf(Frame.Nack.class, c.read());
            assertEquals(ErrorCode.BAD_REQUEST, n.code());
            c.send(new Frame.Publish(0, 4, "/OK", null, null, new byte[1]));
            assertEquals(1, assertInstanceOf(Frame.Ack.class, c.read()).seq());
        }
        assertTrue(healthy.topics("/**").stream().map(org.backplane.client.TopicInfo::name).noneMatch(t -> t.equals("/BIG") || t.equals("NO-SLASH")));
    }

    @Test
    void clientApiRefusesBadTopicsAndTooLargePostingsClearly() {
        assertThrows(IllegalArgumentException.class, () -> healthy.publish("bad topic", new byte[1]));
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> healthy.publish("/BIG2", new byte[MAX_MESSAGE + 1]).get());
        assertEquals(ErrorCode.MESSAGE_TOO_LARGE, ((PublishException) e.getCause()).code());
    }

    @Test
    void badSubscriptionsAreEndedWithTheReason() throws Exception {
        try (RawClient c = RawClient.hello(address, 0)) {
            c.send(new Frame.Subscribe(1, "/A/IB*", new Frame.WireStart(0, 0, Map.of()), 10));
            Frame.SubscriptionEnd e = assertInstanceOf(Frame.SubscriptionEnd.class, c.read());
            assertEquals(ErrorCode.BAD_TOPIC, e.code());
            c.send(new Frame.Subscribe(2, "/A/*", new Frame.WireStart(0, 0, Map.of("bad", 1L)), 10));
            e = assertInstanceOf(Frame.SubscriptionEnd.class, c.read());
            assertEquals(ErrorCode.BAD_REQUEST, e.code());
            c.send(new Frame.Unsubscribe(42));
            e = assertInstanceOf(Frame.SubscriptionEnd.class, c.read());
            assertEquals(ErrorCode.UNKNOWN_SUBSCRIPTION, e.code());
            c.send(new Frame.Subscribe(3, "/A/*", new Frame.WireStart(0, 0, Map.of()), 10));
            assertInstanceOf(Frame.Subscribed.class, c.read());
            c.send(new Frame.Subscribe(3, "/A/*", new Frame.WireStart(0, 0, Map.of()), 10));
            e = assertInstanceOf(Frame.SubscriptionEnd.class, c.read());
            assertEquals(ErrorCode.DUPLICATE_SUBSCRIPTION, e.code());
        }
    }

    @Test
    void malformedFrameGetsAnErrorThenTheConnectionIsClosed() throws Exception {
        try (RawClient c = RawClient.hello(address, 0)) {
            // a PUBLISH whose topic length runs past the end of the frame
            ByteBuf b = Unpooled.buffer();
            int start = FrameCodec.beginFrame(b, FrameType.PUBLISH);
            b.writeLong(0).writeLong(1).writeShort(500).writeBytes("/X".getBytes());
            FrameCodec.endFrame(b, start);
            c.sendBytes(RawClient.toArray(b));
            Frame.ErrorFrame e = assertInstanceOf(Frame.ErrorFrame.class, c.read());
            assertEquals(ErrorCode.MALFORMED_FRAME, e.code());
            assertTrue(e.closing());
            assertTrue(e.message().contains("truncated"), e.message());
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void oversizedFrameLengthIsRefusedBeforeReadingIt() throws Exception {
        try (RawClient c = RawClient.hello(address, 0)) {
            c.sendBytes(new byte[] {0x7f, 0, 0, 0, FrameType.PUBLISH, 0});
            Frame.ErrorFrame e = assertInstanceOf(Frame.ErrorFrame.class, c.read());
            assertEquals(ErrorCode.FRAME_TOO_LARGE, e.code());
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void aLargeFrameBeforeTheHandshakeIsRefused() throws Exception {
        try (RawClient c = new RawClient(address)) {
            c.sendBytes(new byte[] {0, 2, 0, 0, FrameType.HELLO, 0}); // announces 128 KiB, above the 64 KiB pre-HELLO limit
            Frame.ErrorFrame e = assertInstanceOf(Frame.ErrorFrame.class, c.read());
            assertEquals(ErrorCode.FRAME_TOO_LARGE, e.code());
            assertTrue(c.closedByServer());
        }
    }

    @Test
    void peerDyingMidFrameCostsOnlyItsConnection() throws Exception {
        for (int i = 0; i < 20; i++) {
            RawClient c = RawClient.hello(address, 0);
            ByteBuf b = Unpooled.buffer();
            FrameCodec.writePublish(b, 0, 1, "/HALF", null, null, new byte[1000]);
            byte[] bytes = RawClient.toArray(b);
            c.sendBytes(java.util.Arrays.copyOf(bytes, bytes.length / 2));
            c.close();
        }
        Await.until(() -> server.server.connectionCount() == 1, "half-frame connections to be closed");
        assertTrue(healthy.topics("/**").stream().map(org.backplane.client.TopicInfo::name).noneMatch(t -> t.equals("/HALF")));
    }
}
