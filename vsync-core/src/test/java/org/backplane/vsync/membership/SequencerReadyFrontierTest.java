package org.backplane.vsync.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.backplane.vsync.api.Delivery;
import org.backplane.vsync.api.MemberId;
import org.backplane.vsync.api.Ordering;
import org.backplane.vsync.api.Replies;
import org.backplane.vsync.api.ReplyMode;
import org.backplane.vsync.api.View;
import org.backplane.vsync.api.ViewChange;
import org.backplane.vsync.api.VsyncConfig;
import org.backplane.vsync.check.History;
import org.backplane.vsync.check.HistoryChecker;
import org.backplane.vsync.flush.Ballot;
import org.backplane.vsync.flush.Commit;
import org.backplane.vsync.flush.Decision;
import org.backplane.vsync.transport.GroupMessage;

/**
 * Guards the sequencer's causally-ready frontier against falling behind delivery (the liveness
 * bug fixed by commit dd46e0c; PROTOCOL-NOTES §2.4, §6). Three {@link GroupMember} machines are
 * driven by hand through FIFO links, with several messages handled in one pass before
 * {@link GroupMember#endOfPass}, as the Netty runtime does under load (the simulator handles one
 * frame per pass and never produced it). At the sequencer n0, one pass holds n2's CBCAST
 * {@code c1} and two receipt reports: the first makes n1's CBCAST {@code b1} (which waited for
 * {@code c1}) stable, so {@code c1} and {@code b1} are delivered mid-pass; the second makes n0's
 * own message stable, so {@code b1}, now delivered and stable, is freed, all before the end of
 * the pass would move the frontier past it. Before the fix the frontier then stopped on
 * {@code b1}'s freed slot and no ABCAST of the view was ever ordered; the test sends one ABCAST
 * from every member afterwards and requires all three to be delivered everywhere, in one order,
 * and the recorded history to pass the {@link HistoryChecker} at a quiescent end.
 */
@Timeout(30)
class SequencerReadyFrontierTest {

    private static final String GROUP = "g";
    private static final long PASS_NS = Duration.ofMillis(1).toNanos(); // = the ack interval: every pass may report

    private long nowNs;
    private final History history = new History(() -> nowNs);
    private final List<Member> members = new ArrayList<>();
    /** links[from][to]: the messages sent and not yet handled, in FIFO order. */
    private final List<List<ArrayDeque<GroupMessage>>> links = new ArrayList<>();

    /** One process: its machine and what it delivered, as {@code node#seq ORDERING}. */
    private record Member(int index, MemberId id, GroupMember machine, List<String> delivered) {
    }

    private long tick() {
        nowNs += PASS_NS;
        return nowNs;
    }

    private Member start(int index) {
        MemberId id = new MemberId("n" + index, 1);
        List<String> delivered = new ArrayList<>();
        GroupOutbox out = (to, m) -> links.get(index).get(Integer.parseInt(to.node().substring(1))).addLast(m);
        GroupMember machine = new GroupMember(GROUP, id, VsyncConfig.DEFAULTS, out, new RecordingSink(delivered),
                history, (msgId, payload) -> { }, Breakage.NONE);
        return new Member(index, id, machine, delivered);
    }

    /** n0, n1, n2 in view 1, n0 oldest (the sequencer), installed as a founding commit. */
    private void startGroupOfThree() {
        for (int i = 0; i < 3; i++) {
            List<ArrayDeque<GroupMessage>> row = new ArrayList<>();
            for (int j = 0; j < 3; j++) {
                row.add(new ArrayDeque<>());
            }
            links.add(row);
        }
        for (int i = 0; i < 3; i++) {
            members.add(start(i));
        }
        View v1 = new View(1, members.stream().map(Member::id).toList());
        Commit founding = new Commit(GROUP, 0, Ballot.ZERO, new Decision(0, v1, null, List.of(), Map.of()));
        for (Member m : members) {
            m.machine().startJoin(nowNs, false);
            m.machine().onMessage(members.get(0).id(), founding, tick());
            assertEquals(v1, m.machine().view(), m.id() + " installed the view");
        }
    }

    /** Handles the next {@code count} messages on the link {@code from} -> {@code to} (no end of pass). */
    private void handle(Member to, Member from, int count) {
        ArrayDeque<GroupMessage> link = links.get(from.index()).get(to.index());
        assertTrue(link.size() >= count, from.id() + " -> " + to.id() + " holds " + link.size() + " messages, wanted " + count);
        for (int i = 0; i < count; i++) {
            to.machine().onMessage(from.id(), link.pollFirst(), nowNs);
        }
    }

    private int pending(Member from, Member to) {
        return links.get(from.index()).get(to.index()).size();
    }

    /** One pass at {@code to}: everything on every link to it, then the end of the pass. */
    private void passAll(Member to) {
        tick();
        for (Member from : members) {
            if (from != to) {
                handle(to, from, pending(from, to));
            }
        }
        to.machine().endOfPass(nowNs);
    }

    private void send(Member from, Ordering ordering, String payload) {
        from.machine().multicast(ordering, payload.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                ReplyMode.NONE, false, null, tick());
        from.machine().endOfPass(nowNs);
    }

    /** Passes at every member until no message is in flight (bounded: acks stop once nothing changes). */
    private void runToQuiet() {
        for (int round = 0; round < 100; round++) {
            boolean any = false;
            for (Member to : members) {
                for (Member from : members) {
                    any |= from != to && pending(from, to) > 0;
                }
            }
            if (!any) {
                return;
            }
            for (Member m : members) {
                passAll(m);
            }
        }
        throw new AssertionError("messages still in flight after 100 rounds of passes");
    }

    private static List<String> abcasts(Member m) {
        return m.delivered().stream().filter(s -> s.endsWith(" ABCAST")).toList();
    }

    @Test
    void abcastsAreStillOrderedAfterTheSequencerFreedACbcastItDeliveredMidPass() {
        startGroupOfThree();
        Member n0 = members.get(0);
        Member n1 = members.get(1);
        Member n2 = members.get(2);

        // CBCAST phase. n2 sends c1; n1 delivers it, then sends b1, which causally follows c1.
        send(n2, Ordering.CBCAST, "c1");
        passAll(n1);
        send(n1, Ordering.CBCAST, "b1");
        passAll(n2);                     // n2 delivers b1 and reports it
        send(n0, Ordering.CBCAST, "a1"); // n0 sends a1; n2 delivers it and reports it, n1 not yet
        passAll(n2);

        // n0 gets n1's link (b1 and n1's reports) before n2's: b1 waits for c1, so the end of this
        // pass cannot move the sequencer's frontier past b1. n0's own report now holds b1.
        tick();
        handle(n0, n1, pending(n1, n0));
        n0.machine().endOfPass(nowNs);
        assertEquals(List.of("n0#1 CBCAST"), n0.delivered(), "n0 holds b1 back until c1 arrives");

        passAll(n1); // n1 delivers a1 and reports it: n0's next report from n1 makes a1 stable

        // One pass at n0, as a loaded runtime batches it: n2's link (c1, then its reports, the
        // second of which makes b1 stable and so delivers c1 and b1 mid-pass), then n1's report
        // (a1 stable: stability grows again and frees b1, delivered and stable), then the end.
        tick();
        handle(n0, n2, pending(n2, n0));
        assertEquals(List.of("n0#1 CBCAST", "n2#1 CBCAST", "n1#1 CBCAST"), n0.delivered(),
                "c1 and b1 delivered mid-pass, before the end of the pass");
        handle(n0, n1, pending(n1, n0));
        assertEquals(0, n0.machine().unstableOwn(), "a1 stable: stability grew again after b1 was delivered");
        n0.machine().endOfPass(nowNs);
        runToQuiet();

        // ABCAST phase: one from each member, the sequencer included.
        send(n1, Ordering.ABCAST, "b2");
        send(n2, Ordering.ABCAST, "c2");
        send(n0, Ordering.ABCAST, "a2");
        runToQuiet();

        for (Member m : members) {
            assertEquals(3, abcasts(m).size(), "ABCASTs delivered at " + m.id() + " after the CBCAST phase: "
                    + abcasts(m) + " (all deliveries " + m.delivered() + "); the sequencer ordered "
                    + abcasts(n0).size() + " of 3");
        }
        assertEquals(abcasts(n0), abcasts(n1), "one ABCAST order");
        assertEquals(abcasts(n0), abcasts(n2), "one ABCAST order");
        HistoryChecker.Result result = new HistoryChecker(true).check(history.events());
        assertTrue(result.ok(), result.describe("this test (deterministic)"));
    }

    /** The application side: records deliveries; nothing else is expected of it here. */
    private static final class RecordingSink implements GroupSink {
        private final List<String> delivered;

        RecordingSink(List<String> delivered) {
            this.delivered = delivered;
        }

        @Override
        public void onView(ViewChange change) {
        }

        @Override
        public void onDeliver(Delivery d) {
            delivered.add(d.id().sender().node() + "#" + d.id().seq() + " " + d.ordering());
        }

        @Override
        public void onGetState(MemberId joiner, long viewId) {
            throw new AssertionError("no state transfer in this test");
        }

        @Override
        public void onSetStateBegin(long viewId) {
            throw new AssertionError("no state transfer in this test");
        }

        @Override
        public void onStateChunk(long viewId, long seq, byte[] bytes, boolean last) {
        }

        @Override
        public void onQuorum(boolean lost) {
        }

        @Override
        public void onStopped(boolean left, String why) {
            throw new AssertionError("stopped: " + why);
        }

        @Override
        public void onWindowFreed(long count) {
        }

        @Override
        public void onStateAcked(MemberId joiner) {
        }

        @Override
        public void onStateAborted(MemberId joiner) {
        }

        @Override
        public long backlog() {
            return 0;
        }

        @Override
        public void onMulticastDone(Object handle, Replies replies) {
        }

        @Override
        public void onMulticastFailed(Object handle, String why) {
            throw new AssertionError("multicast failed: " + why);
        }
    }
}
