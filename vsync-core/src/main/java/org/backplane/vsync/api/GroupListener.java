package org.backplane.vsync.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * What an application hears from a group. Every method is called on the group's one delivery
 * thread (with {@code VsyncNode}) or on the simulation thread (with {@code SimNetwork}), in one
 * order: view changes, deliveries and state requests appear exactly where they happen in the
 * member's history. A callback that blocks holds up only this group's deliveries at this member.
 */
public interface GroupListener {

    /** A new view was installed. Deliveries before this call were in the previous view. */
    default void onView(ViewChange change) {
    }

    /** One message was delivered. */
    void onDeliver(Delivery delivery);

    /**
     * Several messages were delivered, in order. The runtime hands over every delivery that is
     * ready at once; the default calls {@link #onDeliver(Delivery)} for each.
     */
    default void onDeliverBatch(List<Delivery> deliveries) {
        for (Delivery d : deliveries) {
            onDeliver(d);
        }
    }

    /**
     * At the donor: write the group state, as of this point of the history, to {@code out}. The
     * stream is chunked and flow-controlled to the joiner, so a state of any size streams without
     * sitting in memory; the delivery thread is held while it runs, which is what fixes the
     * transfer point (every delivery before the joiner's first view, none after).
     */
    default void getState(OutputStream out) throws IOException {
    }

    /**
     * At a joiner: read the group state from {@code in}. Deliveries of the joining view wait until
     * this returns. If the donor fails, the state is sent again by another member as of a later
     * view, and this is called again.
     */
    default void setState(InputStream in) throws IOException {
    }

    /**
     * This member sees fewer than a majority of its view and has stopped delivering (primary
     * partition only, GUARANTEES V2). Delivery resumes if the majority comes back in this view.
     */
    default void onQuorumLost() {
    }

    /** The majority is reachable again after {@link #onQuorumLost()}; delivery resumes. */
    default void onQuorumRegained() {
    }

    /**
     * This incarnation was dropped from the group (suspected while it was alive, or it found the
     * group moved on without it). It delivers nothing more; a {@code VsyncNode} configured to
     * rejoin does so as a new incarnation, with state transfer.
     */
    default void onExcluded() {
    }

    /** This member left the group cleanly (after {@link Group#leave()}). */
    default void onLeft() {
    }
}
