package org.backplane.server;

import java.util.List;

/**
 * Narrow effect interface: where {@link Delivery} sends the outcomes of submissions, once per
 * batch per origin (a client session; later also a peer server relaying its clients' postings).
 */
interface PublishOrigin {
    /**
     * Outcomes of this origin's submissions in one delivered batch, in delivery order. Called on
     * the delivery loop; implementations hand off to their own thread (or, already on it, write) and return at once.
     */
    void onOutcomes(List<Outcome> outcomes);
}
