package org.backplane.vsync.check;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

import org.backplane.vsync.api.MemberId;
import org.backplane.vsync.api.MessageId;
import org.backplane.vsync.api.Ordering;
import org.backplane.vsync.api.View;

/**
 * An in-memory {@link HistoryRecorder}: keeps every event, stamped with a clock the owner gives
 * (the simulator's virtual clock, or {@code System::nanoTime}). Thread-safe.
 */
public final class History implements HistoryRecorder {

    private final LongSupplier clockNs;
    private final List<HistoryEvent> events = new ArrayList<>();

    /** @param clockNs the time source for event stamps */
    public History(LongSupplier clockNs) {
        this.clockNs = clockNs;
    }

    private synchronized void add(String group, MemberId p, HistoryEvent.Kind kind, View view, MessageId id,
                                  Ordering o, boolean safe, long position, long hash, MemberId other, String text) {
        events.add(new HistoryEvent(events.size(), clockNs.getAsLong(), group, p, kind, view, id, o, safe, position, hash, other, text));
    }

    /** Adds an event read from elsewhere (a file from another process). */
    public synchronized void add(HistoryEvent e) {
        events.add(e);
    }

    /** Forgets every event. */
    public synchronized void clear() {
        events.clear();
    }

    /** A snapshot of the events, in record order. */
    public synchronized List<HistoryEvent> events() {
        return List.copyOf(events);
    }

    @Override
    public void install(String group, MemberId self, View view) {
        add(group, self, HistoryEvent.Kind.INSTALL, view, null, null, false, 0, 0, null, null);
    }

    @Override
    public void send(String group, MemberId self, MessageId id, Ordering ordering, boolean safe, long payloadHash) {
        add(group, self, HistoryEvent.Kind.SEND, null, id, ordering, safe, 0, payloadHash, null, null);
    }

    @Override
    public void deliver(String group, MemberId self, MessageId id, Ordering ordering, boolean safe, long position, long payloadHash) {
        add(group, self, HistoryEvent.Kind.DELIVER, null, id, ordering, safe, position, payloadHash, null, null);
    }

    @Override
    public void leave(String group, MemberId self) {
        add(group, self, HistoryEvent.Kind.LEAVE, null, null, null, false, 0, 0, null, null);
    }

    @Override
    public void stopped(String group, MemberId self, String why) {
        add(group, self, HistoryEvent.Kind.STOPPED, null, null, null, false, 0, 0, null, why);
    }

    @Override
    public void quorum(String group, MemberId self, boolean lost) {
        add(group, self, lost ? HistoryEvent.Kind.QUORUM_LOST : HistoryEvent.Kind.QUORUM_REGAINED,
                null, null, null, false, 0, 0, null, null);
    }

    @Override
    public void crash(MemberId self) {
        add(null, self, HistoryEvent.Kind.CRASH, null, null, null, false, 0, 0, null, null);
    }

    @Override
    public void stateGiven(String group, MemberId self, MemberId joiner, long viewId, long digest) {
        add(group, self, HistoryEvent.Kind.STATE_GIVEN, null, null, null, false, viewId, digest, joiner, null);
    }

    @Override
    public void stateSet(String group, MemberId self, long viewId, long digest) {
        add(group, self, HistoryEvent.Kind.STATE_SET, null, null, null, false, viewId, digest, null, null);
    }
}
