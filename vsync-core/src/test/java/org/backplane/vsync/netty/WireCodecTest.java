package org.backplane.vsync.netty;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.codec.MessageToByteEncoder;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.channel.ChannelHandlerContext;

import org.junit.jupiter.api.Test;

import org.backplane.vsync.api.MemberId;
import org.backplane.vsync.api.Ordering;
import org.backplane.vsync.api.View;
import org.backplane.vsync.flush.Accept;
import org.backplane.vsync.flush.AcceptOk;
import org.backplane.vsync.flush.Ballot;
import org.backplane.vsync.flush.Commit;
import org.backplane.vsync.flush.Cut;
import org.backplane.vsync.flush.Decision;
import org.backplane.vsync.flush.Prepare;
import org.backplane.vsync.flush.PrepareNack;
import org.backplane.vsync.flush.PrepareOk;
import org.backplane.vsync.flush.ViewInfo;
import org.backplane.vsync.flush.ViewQuery;
import org.backplane.vsync.membership.JoinPending;
import org.backplane.vsync.membership.JoinRequest;
import org.backplane.vsync.membership.LeaveRequest;
import org.backplane.vsync.membership.NoGroup;
import org.backplane.vsync.membership.Suspect;
import org.backplane.vsync.multicast.Data;
import org.backplane.vsync.multicast.Reply;
import org.backplane.vsync.ordering.Order;
import org.backplane.vsync.stability.Ack;
import org.backplane.vsync.state.StateAck;
import org.backplane.vsync.state.StateChunk;
import org.backplane.vsync.state.StateRequest;
import org.backplane.vsync.transport.GroupMessage;
import org.backplane.vsync.transport.LinkFrame;

/** Every message kind through the codec in a Netty pipeline ({@link EmbeddedChannel}). */
class WireCodecTest {

    private static final MemberId A = new MemberId("a", 7);
    private static final MemberId B = new MemberId("b", 9);

    private static EmbeddedChannel pipeline() {
        return new EmbeddedChannel(
                new LengthFieldBasedFrameDecoder(1 << 20, 0, 4, 0, 4),
                new LengthFieldPrepender(4),
                new MessageToByteEncoder<LinkFrame>() {
                    @Override
                    protected void encode(ChannelHandlerContext ctx, LinkFrame f, ByteBuf out) {
                        WireCodec.encode(f, out);
                    }
                },
                new ByteToMessageDecoder() {
                    @Override
                    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
                        out.add(WireCodec.decode(in));
                    }
                });
    }

    private static LinkFrame roundTrip(LinkFrame f) {
        EmbeddedChannel ch = pipeline();
        ch.writeOutbound(f);
        ByteBuf wire = Unpooled.buffer();
        ByteBuf b;
        while ((b = ch.readOutbound()) != null) {
            wire.writeBytes(b);
            b.release();
        }
        ch.writeInbound(wire);
        LinkFrame back = ch.readInbound();
        ch.finishAndReleaseAll();
        return back;
    }

    @Test
    void everyMessageKindSurvivesTheWire() {
        Data d = new Data("g", 3, 1, 5, new long[] {2, 5}, Ordering.ABCAST, true, true, new byte[] {1, 2, 3});
        Cut cut = new Cut(new long[] {4, 5}, 2, new int[] {0, 1}, new long[] {3, 5});
        Decision dec = new Decision(3, new View(4, List.of(A, B)), cut, List.of(B), Map.of(B, A));
        Commit commit = new Commit("g", 3, new Ballot(2, 1), dec);
        List<GroupMessage> all = List.of(d,
                new Reply("g", 3, 5, new byte[] {9}),
                new Order("g", 3, 10, new int[] {0, 1}, new long[] {4, 5}),
                new Ack("g", 3, new long[] {4, 5}, 11),
                new Prepare("g", 3, new Ballot(2, 1), List.of(A, B), commit),
                new PrepareOk("g", 3, new Ballot(2, 1), new long[] {4, 5}, new long[] {3, 5}, 9, 8,
                        new int[] {1}, new long[] {5}, List.of(d), new Ballot(1, 0), dec, true),
                new PrepareNack("g", 3, new Ballot(3, 0)),
                new Accept("g", 3, new Ballot(2, 1), dec, List.of(d)),
                new AcceptOk("g", 3, new Ballot(2, 1)),
                commit,
                new ViewQuery("g", 3),
                new ViewInfo("g", 4, commit),
                new JoinRequest("g", 0, A),
                new JoinPending("g", 3),
                new NoGroup("g", 0, true),
                new LeaveRequest("g", 3),
                new Suspect("g", 3, List.of(B)),
                new StateRequest("g", 4),
                new StateChunk("g", 4, 2, new byte[] {5, 6}, true),
                new StateAck("g", 4, 2));
        LinkFrame back = roundTrip(new LinkFrame(12, 34, all));
        assertEquals(12, back.seq());
        assertEquals(34, back.ack());
        assertEquals(all.size(), back.messages().size());
        for (int i = 0; i < all.size(); i++) {
            assertEquals(all.get(i).getClass(), back.messages().get(i).getClass());
            assertEquals(all.get(i).group(), back.messages().get(i).group());
            assertEquals(all.get(i).viewId(), back.messages().get(i).viewId());
        }
        Data d2 = (Data) back.messages().get(0);
        assertArrayEquals(d.vt(), d2.vt());
        assertArrayEquals(d.payload(), d2.payload());
        assertEquals(d.ordering(), d2.ordering());
        assertEquals(d.safe(), d2.safe());
        PrepareOk ok = (PrepareOk) back.messages().get(5);
        assertEquals(dec.next(), ok.accepted().next());
        assertArrayEquals(cut.seqs(), ok.accepted().cut().seqs());
        assertEquals(Map.of(B, A), ok.accepted().transfers());
        assertEquals(1, ok.absentData().size());
        assertEquals(List.of(B), ((Commit) back.messages().get(9)).decision().leavers());
    }

    @Test
    void malformedInputIsRefusedWithAClearError() {
        ByteBuf bad = Unpooled.buffer();
        bad.writeLong(1).writeLong(0).writeInt(1).writeByte(99);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WireCodec.decode(bad));
        assertEquals("unknown message kind 99", e.getMessage());
        ByteBuf huge = Unpooled.buffer();
        huge.writeLong(1).writeLong(0).writeInt(-5);
        assertThrows(IllegalArgumentException.class, () -> WireCodec.decode(huge));
        ByteBuf lying = Unpooled.buffer();
        lying.writeLong(1).writeLong(0).writeInt(1).writeByte(2).writeShort(1).writeByte('g').writeLong(1).writeLong(1)
                .writeInt(1_000_000);
        assertThrows(IllegalArgumentException.class, () -> WireCodec.decode(lying), "length beyond the frame");
    }
}
