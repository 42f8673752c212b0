package org.backplane.client.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.util.List;

/**
 * Netty edge: splits the byte stream into length-prefixed frames and decodes each into a
 * {@link Frame} record (or, on the server, a zero-copy {@link PublishView} for PUBLISH), or a
 * {@link DecodeFailure} for one that breaks the protocol. A length
 * prefix above {@code maxFrameBytes} is refused before its bytes are buffered, so a peer can
 * never make this decoder hold more than one frame limit (plus one socket read). After a fatal
 * failure the rest of the stream is discarded. Runs on the channel's event loop.
 */
public final class FrameDecoder extends ByteToMessageDecoder {
    private final FrameCodec codec = new FrameCodec();
    private final boolean publishViews;
    private volatile int maxFrameBytes;
    private boolean failed;

    /** Creates a decoder refusing frames longer than {@code maxFrameBytes} (after the length prefix). */
    public FrameDecoder(int maxFrameBytes) {
        this(maxFrameBytes, false);
    }

    /**
     * As {@link #FrameDecoder(int)}; with {@code publishViews} a PUBLISH is passed up as a
     * {@link PublishView} (zero-copy, must be released) instead of a {@link Frame.Publish}.
     */
    public FrameDecoder(int maxFrameBytes, boolean publishViews) {
        this.maxFrameBytes = maxFrameBytes;
        this.publishViews = publishViews;
    }

    /** Changes the frame limit (the client raises it to the server's after the handshake). */
    public void maxFrameBytes(int maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        while (in.readableBytes() >= FrameCodec.LENGTH_BYTES) {
            long length = in.getUnsignedInt(in.readerIndex());
            if (length > maxFrameBytes || length < 2) {
                failed = true;
                in.skipBytes(in.readableBytes());
                out.add(length < 2
                        ? new DecodeFailure(ErrorCode.MALFORMED_FRAME, "frame length " + length
                                + " is shorter than a type and flags (2 bytes)", true)
                        : new DecodeFailure(ErrorCode.FRAME_TOO_LARGE, "frame of " + length
                                + " bytes exceeds the limit of " + maxFrameBytes + " bytes", true));
                return;
            }
            if (in.readableBytes() < FrameCodec.LENGTH_BYTES + length) {
                return;
            }
            in.skipBytes(FrameCodec.LENGTH_BYTES);
            ByteBuf frame = in.readSlice((int) length);
            try {
                out.add(publishViews ? codec.decodeRetainingPublish(frame) : codec.decode(frame));
            } catch (ProtocolException e) {
                out.add(new DecodeFailure(e.code(), e.getMessage(), e.fatal()));
                if (e.fatal()) {
                    failed = true;
                    in.skipBytes(in.readableBytes());
                    return;
                }
            } catch (RuntimeException e) {
                // a decoder bug must still cost only this connection
                failed = true;
                in.skipBytes(in.readableBytes());
                out.add(new DecodeFailure(ErrorCode.MALFORMED_FRAME, "frame could not be decoded: " + e, true));
                return;
            }
        }
    }
}
