package org.backplane.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.backplane.client.protocol.Frame;
import org.backplane.client.protocol.FrameCodec;
import org.backplane.client.protocol.ProtocolException;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * Test helper: a blocking socket speaking the wire protocol frame by frame, able to send any
 * bytes at all (malformed frames, half frames) and read the server's answers.
 */
final class RawClient implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final FrameCodec codec = new FrameCodec();

    RawClient(InetSocketAddress address) throws IOException {
        socket = new Socket(address.getHostString(), address.getPort());
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** Connects and completes the handshake with {@code producerId}. */
    static RawClient hello(InetSocketAddress address, long producerId) throws Exception {
        RawClient c = new RawClient(address);
        c.send(new Frame.Hello(FrameCodec.PROTOCOL_VERSION, producerId, "raw"));
        Frame f = c.read();
        if (!(f instanceof Frame.Welcome)) {
            throw new AssertionError("expected WELCOME, got " + f);
        }
        return c;
    }

    void send(Frame f) throws IOException {
        ByteBuf b = Unpooled.buffer();
        FrameCodec.encode(f, b);
        sendBytes(toArray(b));
    }

    void sendBytes(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Reads the next frame; throws EOFException when the server closed the connection. */
    Frame read() throws IOException {
        int length = in.readInt();
        byte[] body = new byte[length];
        in.readFully(body);
        try {
            return codec.decode(Unpooled.wrappedBuffer(body));
        } catch (ProtocolException e) {
            throw new AssertionError("server sent an undecodable frame: " + e.getMessage());
        }
    }

    /** Reads frames until one of {@code type} arrives (skipping e.g. TOPIC_ALIAS). */
    <T extends Frame> T readUntil(Class<T> type) throws IOException {
        while (true) {
            Frame f = read();
            if (type.isInstance(f)) {
                return type.cast(f);
            }
        }
    }

    /** True if the server closes the connection (EOF) within the socket timeout. */
    boolean closedByServer() throws IOException {
        try {
            while (true) {
                read();
            }
        } catch (EOFException | java.net.SocketException e) {
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    static byte[] toArray(ByteBuf b) {
        byte[] bytes = new byte[b.readableBytes()];
        b.readBytes(bytes);
        return bytes;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
