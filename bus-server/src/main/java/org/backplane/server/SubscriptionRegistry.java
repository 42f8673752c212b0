package org.backplane.server;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Every open subscription of the server, so the delivery thread can wake those whose filter
 * matches a topic it just appended to. Registration is rare (copy on write); waking is a scan
 * with a cheap match per subscription and at most one task per subscription per batch.
 */
final class SubscriptionRegistry {
    private final List<ServerSubscription> all = new CopyOnWriteArrayList<>();

    void add(ServerSubscription s) {
        all.add(s);
    }

    void remove(ServerSubscription s) {
        all.remove(s);
    }

    int size() {
        return all.size();
    }

    /** Wakes every subscription interested in one of {@code topics}. Delivery thread. */
    void wake(Set<String> topics) {
        for (ServerSubscription s : all) {
            if (s.interestedInAny(topics)) {
                s.wake();
            }
        }
    }
}
