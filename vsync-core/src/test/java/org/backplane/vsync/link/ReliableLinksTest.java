package org.backplane.vsync.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.backplane.vsync.api.MemberId;
import org.backplane.vsync.membership.LeaveRequest;
import org.backplane.vsync.transport.GroupMessage;
import org.backplane.vsync.transport.LinkFrame;

class ReliableLinksTest {

    private final MemberId a = new MemberId("a", 1);
    private final MemberId b = new MemberId("b", 1);

    @Test
    void framesLostInABreakAreResentOnLinkUpAndDeliveredOnceInOrder() {
        List<LinkFrame> wire = new ArrayList<>();
        ReliableLinks sender = new ReliableLinks((to, f) -> wire.add(f), 2, 1 << 20);
        ReliableLinks receiver = new ReliableLinks((to, f) -> { }, 2, 1 << 20);
        for (int i = 1; i <= 5; i++) {
            sender.enqueue(b, new LeaveRequest("g", i));
        }
        sender.flush(0);
        assertEquals(3, wire.size(), "five messages, two per frame");
        List<GroupMessage> got = new ArrayList<>(receiver.onFrame(a, wire.get(0)));
        // frame 2 is lost in a break; frame 3 arrives after a gap and is dropped
        assertTrue(receiver.onFrame(a, wire.get(2)).isEmpty());
        wire.clear();
        sender.onLinkUp(b, 1);
        for (LinkFrame f : wire) {
            got.addAll(receiver.onFrame(a, f));
        }
        List<Long> views = got.stream().map(GroupMessage::viewId).toList();
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L), views);
        assertEquals(1, receiver.duplicatesDropped(), "the frame received before the break came again");
        assertEquals(1, receiver.gapsDropped());
    }

    @Test
    void acknowledgedFramesAreNotResent() {
        List<LinkFrame> wire = new ArrayList<>();
        ReliableLinks sender = new ReliableLinks((to, f) -> wire.add(f), 10, 1 << 20);
        sender.enqueue(b, new LeaveRequest("g", 1));
        sender.flush(0);
        sender.onFrame(b, new LinkFrame(0, 1, List.of()));
        assertEquals(0, sender.unackedFrames(b));
        wire.clear();
        sender.onLinkUp(b, 1);
        assertTrue(wire.isEmpty());
    }
}
