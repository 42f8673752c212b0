package org.backplane.vsync.check;

import org.backplane.vsync.api.MemberId;
import org.backplane.vsync.api.MessageId;
import org.backplane.vsync.api.Ordering;
import org.backplane.vsync.api.View;

/**
 * Receives the events GUARANTEES.md predicates are evaluated over, as the engine produces them.
 * Called on the engine thread (or the simulation thread); implementations must be cheap.
 * {@link History} records them in memory; {@link HistoryFile} writes them to a file that a test
 * in another JVM reads back.
 */
public interface HistoryRecorder {

    /** Records nothing. */
    HistoryRecorder NONE = new HistoryRecorder() {
        @Override
        public boolean enabled() {
            return false;
        }
    };

    /** Whether this recorder keeps anything (lets the engine skip hashing payloads). */
    default boolean enabled() {
        return true;
    }

    /** {@code self} installed {@code view} in {@code group}. */
    default void install(String group, MemberId self, View view) {
    }

    /** {@code self} sent a multicast. */
    default void send(String group, MemberId self, MessageId id, Ordering ordering, boolean safe, long payloadHash) {
    }

    /** {@code self} delivered a multicast (in view {@code id.viewId()}); position 0 for CBCAST. */
    default void deliver(String group, MemberId self, MessageId id, Ordering ordering, boolean safe, long position, long payloadHash) {
    }

    /** {@code self} asked to leave. */
    default void leave(String group, MemberId self) {
    }

    /** {@code self} found it was excluded, or left, and stopped. */
    default void stopped(String group, MemberId self, String why) {
    }

    /**
     * {@code self} lost ({@code lost}) or regained the majority of its current view: while lost it
     * delivers nothing and installs no view (the primary-partition rule, V2/V3).
     */
    default void quorum(String group, MemberId self, boolean lost) {
    }

    /** The process crashed (recorded by the harness that crashed it). */
    default void crash(MemberId self) {
    }

    /** The donor's application state, as handed to a joiner for view {@code viewId}. */
    default void stateGiven(String group, MemberId self, MemberId joiner, long viewId, long digest) {
    }

    /** The joiner's application state right after it was set from the donor's, for view {@code viewId}. */
    default void stateSet(String group, MemberId self, long viewId, long digest) {
    }
}
