package org.backplane.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.backplane.client.protocol.Frame;
import org.backplane.client.protocol.FrameCodec;
import org.backplane.client.protocol.ProtocolException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client against a scripted server on a real socket, for server behaviour a real server never
 * shows: a wrong protocol version, a MESSAGE with an alias never announced, a server that goes
 * silent. The client must fail clearly or drop the connection and reconnect, never hang.
 */
@Timeout(60)
class ScriptedServerIT {

    /** Accepts connections; for each, reads HELLO and runs {@code script} with the socket. */
    static final class ScriptedServer implements AutoCloseable {
        final ServerSocket listener;
        final AtomicInteger connections = new AtomicInteger();
        final List<Socket> sockets = new CopyOnWriteArrayList<>();

        ScriptedServer(BiConsumer<Socket, Integer> script) throws IOException {
            listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread t = new Thread(() -> {
                while (!listener.isClosed()) {
                    try {
                        Socket s = listener.accept();
                        sockets.add(s);
                        int n = connections.incrementAndGet();
                        Thread c = new Thread(() -> {
                            try {
                                read(s); // HELLO
                                script.accept(s, n);
                            } catch (IOException e) {
                                // client went away
                            }
                        });
                        c.setDaemon(true);
                        c.start();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            t.setDaemon(true);
            t.start();
        }

        String address() {
            return "127.0.0.1:" + listener.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            listener.close();
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    static Frame read(Socket s) throws IOException {
        DataInputStream in = new DataInputStream(s.getInputStream());
        int length = in.readInt();
        byte[] body = new byte[length];
        in.readFully(body);
        try {
            return new FrameCodec().decode(Unpooled.wrappedBuffer(body));
        } catch (ProtocolException e) {
            throw new IOException(e.getMessage());
        }
    }

    static void send(Socket s, Frame f) {
        ByteBuf b = Unpooled.buffer();
        FrameCodec.encode(f, b);
        byte[] bytes = new byte[b.readableBytes()];
        b.readBytes(bytes);
        try {
            s.getOutputStream().write(bytes);
            s.getOutputStream().flush();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static Frame.Welcome welcome(int version) {
        return new Frame.Welcome(version, "scripted", "0", 1 << 20, 1 << 20, 16, 16);
    }

    @Test
    void aServerSpeakingAnotherVersionIsRefusedClearly() throws Exception {
        try (ScriptedServer server = new ScriptedServer((s, n) -> send(s, welcome(2)))) {
            BusException e = assertThrows(BusException.class, () -> BusClient.connect(ClientOptions.builder()
                    .servers(server.address()).connectTimeout(Duration.ofSeconds(5)).build()));
            assertTrue(e.getMessage().contains("protocol version 2"), e.getMessage());
        }
    }

    @Test
    void aMessageWithAnUnknownAliasDropsTheConnectionAndTheClientReconnects() throws Exception {
        List<String> errors = new CopyOnWriteArrayList<>();
        AtomicInteger reconnects = new AtomicInteger();
        try (ScriptedServer server = new ScriptedServer((s, n) -> {
            send(s, welcome(1));
            try {
                Frame f = read(s); // SUBSCRIBE
                if (f instanceof Frame.Subscribe sub) {
                    send(s, new Frame.Subscribed(sub.subscriptionId(), 0));
                    if (n == 1) {
                        send(s, new Frame.Message(sub.subscriptionId(), 99, 1, 0, null, null, new byte[1]));
                    }
                }
                while (true) {
                    read(s);
                }
            } catch (IOException e) {
                // closed
            }
        });
             BusClient c = BusClient.connect(ClientOptions.builder().servers(server.address())
                     .reconnectWait(Duration.ofMillis(10), Duration.ofMillis(50))
                     .listener(new ConnectionListener() {
                         @Override
                         public void reconnected(String s, String id) {
                             reconnects.incrementAndGet();
                         }

                         @Override
                         public void error(String message, Throwable cause) {
                             errors.add(message);
                         }
                     }).build())) {
            c.subscribe("/A", StartPosition.fromStart(), m -> { });
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (reconnects.get() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(1, reconnects.get(), "reconnected once after the bad frame");
            assertTrue(errors.stream().anyMatch(m -> m.contains("alias 99")), errors.toString());
            assertEquals(2, server.connections.get());
        }
    }

    @Test
    @SuppressWarnings("try") // resources held open for the test, closed at its end
    void aSilentServerIsDroppedAfterThreePingIntervals() throws Exception {
        AtomicInteger disconnects = new AtomicInteger();
        try (ScriptedServer server = new ScriptedServer((s, n) -> {
            send(s, welcome(1));
            try {
                while (true) {
                    read(s); // reads PINGs, never answers
                }
            } catch (IOException e) {
                // closed by the client
            }
        });
             BusClient c = BusClient.connect(ClientOptions.builder().servers(server.address())
                     .pingInterval(Duration.ofMillis(100)).reconnectWait(Duration.ofMillis(10), Duration.ofMillis(50))
                     .listener(new ConnectionListener() {
                         @Override
                         public void disconnected(String s, Throwable cause) {
                             disconnects.incrementAndGet();
                         }
                     }).build())) {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (disconnects.get() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertTrue(disconnects.get() >= 1, "the silent server was dropped");
            while (server.connections.get() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertTrue(server.connections.get() >= 2, "and the client connected again");
        }
    }
}
