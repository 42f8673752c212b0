package org.backplane.client.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class FrameEncoderTest {

    @Test
    void encodesRecordsAndPassesEncodedBuffersThrough() {
        EmbeddedChannel ch = new EmbeddedChannel(FrameEncoder.INSTANCE);
        ch.writeOutbound(new Frame.Ping(42));
        ByteBuf ping = ch.readOutbound();
        ByteBuf expected = Unpooled.buffer();
        FrameCodec.encode(new Frame.Ping(42), expected);
        assertEquals(ByteBufUtil.hexDump(expected), ByteBufUtil.hexDump(ping));
        ping.release();

        ByteBuf batch = Unpooled.buffer();
        FrameCodec.writeAck(batch, 1, "/A", 1, 0);
        FrameCodec.writeAck(batch, 2, "/A", 2, 0);
        ch.writeOutbound(batch);
        assertSame(batch, ch.readOutbound());
        batch.release();
        ch.finishAndReleaseAll();
    }
}
