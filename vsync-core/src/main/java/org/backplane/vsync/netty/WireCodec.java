package org.backplane.vsync.netty;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.netty.buffer.ByteBuf;

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

/**
 * The binary form of link frames and of every group message (the Netty edge of the engine). A
 * frame is {@code seq, ack, count} then each message as a one-byte kind and its fields; arrays
 * are length-prefixed, strings UTF-8. Decoding bad input throws {@link IllegalArgumentException}
 * (the handler drops the connection; nothing reaches the machines). Stateless; any thread.
 */
public final class WireCodec {

    private WireCodec() {
    }

    /** The largest array or string length accepted when decoding. */
    static final int MAX_LEN = 64 << 20;

    private static final byte DATA = 1;
    private static final byte REPLY = 2;
    private static final byte ORDER = 3;
    private static final byte ACK = 4;
    private static final byte PREPARE = 5;
    private static final byte PREPARE_OK = 6;
    private static final byte PREPARE_NACK = 7;
    private static final byte ACCEPT = 8;
    private static final byte ACCEPT_OK = 9;
    private static final byte COMMIT = 10;
    private static final byte VIEW_QUERY = 11;
    private static final byte VIEW_INFO = 12;
    private static final byte JOIN_REQUEST = 13;
    private static final byte JOIN_PENDING = 14;
    private static final byte NO_GROUP = 15;
    private static final byte LEAVE_REQUEST = 16;
    private static final byte SUSPECT = 17;
    private static final byte STATE_REQUEST = 18;
    private static final byte STATE_CHUNK = 19;
    private static final byte STATE_ACK = 20;

    /** Writes a frame. */
    public static void encode(LinkFrame f, ByteBuf out) {
        out.writeLong(f.seq());
        out.writeLong(f.ack());
        out.writeInt(f.messages().size());
        for (GroupMessage m : f.messages()) {
            encode(m, out);
        }
    }

    /** Reads a frame. */
    public static LinkFrame decode(ByteBuf in) {
        long seq = in.readLong();
        long ack = in.readLong();
        int n = len(in.readInt());
        List<GroupMessage> ms = new ArrayList<>(Math.min(n, 4096));
        for (int i = 0; i < n; i++) {
            ms.add(decodeMessage(in));
        }
        return new LinkFrame(seq, ack, ms);
    }

    static void encode(GroupMessage m, ByteBuf out) {
        if (m instanceof Data d) {
            out.writeByte(DATA);
            data(d, out);
        } else if (m instanceof Reply r) {
            out.writeByte(REPLY);
            head(r.group(), r.viewId(), out);
            out.writeLong(r.seq());
            bytes(r.payload(), out);
        } else if (m instanceof Order o) {
            out.writeByte(ORDER);
            head(o.group(), o.viewId(), out);
            out.writeLong(o.firstPosition());
            ints(o.ranks(), out);
            longs(o.seqs(), out);
        } else if (m instanceof Ack a) {
            out.writeByte(ACK);
            head(a.group(), a.viewId(), out);
            longs(a.received(), out);
            out.writeLong(a.orderKnown());
        } else if (m instanceof Prepare p) {
            out.writeByte(PREPARE);
            head(p.group(), p.viewId(), out);
            ballot(p.ballot(), out);
            members(p.participants(), out);
            commit(p.lastCommit(), out);
        } else if (m instanceof PrepareOk p) {
            out.writeByte(PREPARE_OK);
            head(p.group(), p.viewId(), out);
            ballot(p.ballot(), out);
            longs(p.received(), out);
            longs(p.delivered(), out);
            out.writeLong(p.deliveredPos());
            out.writeLong(p.orderBase());
            ints(p.orderRanks(), out);
            longs(p.orderSeqs(), out);
            datas(p.absentData(), out);
            out.writeBoolean(p.accepted() != null);
            if (p.accepted() != null) {
                ballot(p.acceptedBallot(), out);
                decision(p.accepted(), out);
            }
            out.writeBoolean(p.awaitingState());
        } else if (m instanceof PrepareNack p) {
            out.writeByte(PREPARE_NACK);
            head(p.group(), p.viewId(), out);
            ballot(p.promised(), out);
        } else if (m instanceof Accept a) {
            out.writeByte(ACCEPT);
            head(a.group(), a.viewId(), out);
            ballot(a.ballot(), out);
            decision(a.decision(), out);
            datas(a.missing(), out);
        } else if (m instanceof AcceptOk a) {
            out.writeByte(ACCEPT_OK);
            head(a.group(), a.viewId(), out);
            ballot(a.ballot(), out);
        } else if (m instanceof Commit c) {
            out.writeByte(COMMIT);
            commit(c, out);
        } else if (m instanceof ViewQuery q) {
            out.writeByte(VIEW_QUERY);
            head(q.group(), q.viewId(), out);
        } else if (m instanceof ViewInfo v) {
            out.writeByte(VIEW_INFO);
            head(v.group(), v.viewId(), out);
            commit(v.commit(), out);
        } else if (m instanceof JoinRequest j) {
            out.writeByte(JOIN_REQUEST);
            head(j.group(), j.viewId(), out);
            member(j.joiner(), out);
        } else if (m instanceof JoinPending j) {
            out.writeByte(JOIN_PENDING);
            head(j.group(), j.viewId(), out);
        } else if (m instanceof NoGroup g) {
            out.writeByte(NO_GROUP);
            head(g.group(), g.viewId(), out);
            out.writeBoolean(g.joining());
        } else if (m instanceof LeaveRequest l) {
            out.writeByte(LEAVE_REQUEST);
            head(l.group(), l.viewId(), out);
        } else if (m instanceof Suspect s) {
            out.writeByte(SUSPECT);
            head(s.group(), s.viewId(), out);
            members(s.suspects(), out);
        } else if (m instanceof StateRequest r) {
            out.writeByte(STATE_REQUEST);
            head(r.group(), r.viewId(), out);
        } else if (m instanceof StateChunk c) {
            out.writeByte(STATE_CHUNK);
            head(c.group(), c.viewId(), out);
            out.writeLong(c.seq());
            bytes(c.bytes(), out);
            out.writeBoolean(c.last());
        } else if (m instanceof StateAck a) {
            out.writeByte(STATE_ACK);
            head(a.group(), a.viewId(), out);
            out.writeLong(a.seq());
        } else {
            throw new IllegalArgumentException("no encoding for " + m.getClass().getName());
        }
    }

    static GroupMessage decodeMessage(ByteBuf in) {
        byte kind = in.readByte();
        switch (kind) {
            case DATA:
                return data(in);
            case REPLY: {
                String g = string(in);
                long v = in.readLong();
                return new Reply(g, v, in.readLong(), bytes(in));
            }
            case ORDER: {
                String g = string(in);
                long v = in.readLong();
                long first = in.readLong();
                return new Order(g, v, first, ints(in), longs(in));
            }
            case ACK: {
                String g = string(in);
                long v = in.readLong();
                return new Ack(g, v, longs(in), in.readLong());
            }
            case PREPARE: {
                String g = string(in);
                long v = in.readLong();
                Ballot b = ballot(in);
                List<MemberId> ps = members(in);
                return new Prepare(g, v, b, ps, commit(in));
            }
            case PREPARE_OK: {
                String g = string(in);
                long v = in.readLong();
                Ballot b = ballot(in);
                long[] recv = longs(in);
                long[] del = longs(in);
                long pos = in.readLong();
                long base = in.readLong();
                int[] ranks = ints(in);
                long[] seqs = longs(in);
                List<Data> absent = datas(in);
                Ballot ab = null;
                Decision d = null;
                if (in.readBoolean()) {
                    ab = ballot(in);
                    d = decision(in);
                }
                return new PrepareOk(g, v, b, recv, del, pos, base, ranks, seqs, absent, ab, d, in.readBoolean());
            }
            case PREPARE_NACK: {
                String g = string(in);
                long v = in.readLong();
                return new PrepareNack(g, v, ballot(in));
            }
            case ACCEPT: {
                String g = string(in);
                long v = in.readLong();
                Ballot b = ballot(in);
                Decision d = decision(in);
                return new Accept(g, v, b, d, datas(in));
            }
            case ACCEPT_OK: {
                String g = string(in);
                long v = in.readLong();
                return new AcceptOk(g, v, ballot(in));
            }
            case COMMIT: {
                Commit c = commit(in);
                if (c == null) {
                    throw new IllegalArgumentException("empty commit");
                }
                return c;
            }
            case VIEW_QUERY: {
                String g = string(in);
                return new ViewQuery(g, in.readLong());
            }
            case VIEW_INFO: {
                String g = string(in);
                long v = in.readLong();
                return new ViewInfo(g, v, commit(in));
            }
            case JOIN_REQUEST: {
                String g = string(in);
                long v = in.readLong();
                return new JoinRequest(g, v, member(in));
            }
            case JOIN_PENDING: {
                String g = string(in);
                return new JoinPending(g, in.readLong());
            }
            case NO_GROUP: {
                String g = string(in);
                long v = in.readLong();
                return new NoGroup(g, v, in.readBoolean());
            }
            case LEAVE_REQUEST: {
                String g = string(in);
                return new LeaveRequest(g, in.readLong());
            }
            case SUSPECT: {
                String g = string(in);
                long v = in.readLong();
                return new Suspect(g, v, members(in));
            }
            case STATE_REQUEST: {
                String g = string(in);
                return new StateRequest(g, in.readLong());
            }
            case STATE_CHUNK: {
                String g = string(in);
                long v = in.readLong();
                long seq = in.readLong();
                byte[] b = bytes(in);
                return new StateChunk(g, v, seq, b, in.readBoolean());
            }
            case STATE_ACK: {
                String g = string(in);
                long v = in.readLong();
                return new StateAck(g, v, in.readLong());
            }
            default:
                throw new IllegalArgumentException("unknown message kind " + kind);
        }
    }

    // ---- pieces

    private static void head(String group, long viewId, ByteBuf out) {
        string(group, out);
        out.writeLong(viewId);
    }

    private static void data(Data d, ByteBuf out) {
        head(d.group(), d.viewId(), out);
        out.writeInt(d.senderRank());
        out.writeLong(d.seq());
        longs(d.vt(), out);
        out.writeByte((d.ordering() == Ordering.ABCAST ? 1 : 0) | (d.safe() ? 2 : 0) | (d.wantsReply() ? 4 : 0));
        bytes(d.payload(), out);
    }

    private static Data data(ByteBuf in) {
        String g = string(in);
        long v = in.readLong();
        int rank = in.readInt();
        long seq = in.readLong();
        long[] vt = longs(in);
        byte flags = in.readByte();
        byte[] payload = bytes(in);
        return new Data(g, v, rank, seq, vt, (flags & 1) != 0 ? Ordering.ABCAST : Ordering.CBCAST,
                (flags & 2) != 0, (flags & 4) != 0, payload);
    }

    private static void datas(List<Data> ds, ByteBuf out) {
        out.writeInt(ds.size());
        for (Data d : ds) {
            data(d, out);
        }
    }

    private static List<Data> datas(ByteBuf in) {
        int n = len(in.readInt());
        List<Data> ds = new ArrayList<>(Math.min(n, 4096));
        for (int i = 0; i < n; i++) {
            ds.add(data(in));
        }
        return ds;
    }

    private static void ballot(Ballot b, ByteBuf out) {
        out.writeLong(b.round());
        out.writeInt(b.proposerRank());
    }

    private static Ballot ballot(ByteBuf in) {
        return new Ballot(in.readLong(), in.readInt());
    }

    static void member(MemberId m, ByteBuf out) {
        string(m.node(), out);
        out.writeLong(m.incarnation());
    }

    static MemberId member(ByteBuf in) {
        return new MemberId(string(in), in.readLong());
    }

    private static void members(List<MemberId> ms, ByteBuf out) {
        out.writeInt(ms.size());
        for (MemberId m : ms) {
            member(m, out);
        }
    }

    private static List<MemberId> members(ByteBuf in) {
        int n = len(in.readInt());
        List<MemberId> ms = new ArrayList<>(Math.min(n, 1024));
        for (int i = 0; i < n; i++) {
            ms.add(member(in));
        }
        return ms;
    }

    private static void decision(Decision d, ByteBuf out) {
        out.writeLong(d.fromViewId());
        out.writeLong(d.next().id());
        members(d.next().members(), out);
        out.writeBoolean(d.cut() != null);
        if (d.cut() != null) {
            longs(d.cut().seqs(), out);
            out.writeLong(d.cut().orderBase());
            ints(d.cut().orderRanks(), out);
            longs(d.cut().orderSeqs(), out);
        }
        members(d.leavers(), out);
        out.writeInt(d.transfers().size());
        for (Map.Entry<MemberId, MemberId> e : d.transfers().entrySet()) {
            member(e.getKey(), out);
            member(e.getValue(), out);
        }
    }

    private static Decision decision(ByteBuf in) {
        long from = in.readLong();
        long nextId = in.readLong();
        View next = new View(nextId, members(in));
        Cut cut = null;
        if (in.readBoolean()) {
            long[] seqs = longs(in);
            long base = in.readLong();
            cut = new Cut(seqs, base, ints(in), longs(in));
        }
        List<MemberId> leavers = members(in);
        int n = len(in.readInt());
        Map<MemberId, MemberId> transfers = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            transfers.put(member(in), member(in));
        }
        return new Decision(from, next, cut, leavers, transfers);
    }

    private static void commit(Commit c, ByteBuf out) {
        out.writeBoolean(c != null);
        if (c != null) {
            head(c.group(), c.viewId(), out);
            ballot(c.ballot(), out);
            decision(c.decision(), out);
        }
    }

    private static Commit commit(ByteBuf in) {
        if (!in.readBoolean()) {
            return null;
        }
        String g = string(in);
        long v = in.readLong();
        Ballot b = ballot(in);
        return new Commit(g, v, b, decision(in));
    }

    static void string(String s, ByteBuf out) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeShort(b.length);
        out.writeBytes(b);
    }

    static String string(ByteBuf in) {
        int n = in.readUnsignedShort();
        if (n > in.readableBytes()) {
            throw new IllegalArgumentException("string longer than frame");
        }
        byte[] b = new byte[n];
        in.readBytes(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static void bytes(byte[] b, ByteBuf out) {
        out.writeInt(b.length);
        out.writeBytes(b);
    }

    private static byte[] bytes(ByteBuf in) {
        int n = len(in.readInt());
        if (n > in.readableBytes()) {
            throw new IllegalArgumentException("byte array longer than frame");
        }
        byte[] b = new byte[n];
        in.readBytes(b);
        return b;
    }

    private static void longs(long[] a, ByteBuf out) {
        out.writeInt(a.length);
        for (long x : a) {
            out.writeLong(x);
        }
    }

    private static long[] longs(ByteBuf in) {
        int n = len(in.readInt());
        if ((long) n * 8 > in.readableBytes()) {
            throw new IllegalArgumentException("long array longer than frame");
        }
        long[] a = new long[n];
        for (int i = 0; i < n; i++) {
            a[i] = in.readLong();
        }
        return a;
    }

    private static void ints(int[] a, ByteBuf out) {
        out.writeInt(a.length);
        for (int x : a) {
            out.writeInt(x);
        }
    }

    private static int[] ints(ByteBuf in) {
        int n = len(in.readInt());
        if ((long) n * 4 > in.readableBytes()) {
            throw new IllegalArgumentException("int array longer than frame");
        }
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = in.readInt();
        }
        return a;
    }

    private static int len(int n) {
        if (n < 0 || n > MAX_LEN) {
            throw new IllegalArgumentException("bad length " + n);
        }
        return n;
    }
}
