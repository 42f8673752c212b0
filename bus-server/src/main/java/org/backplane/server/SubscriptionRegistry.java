package org.backplane.server;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every open subscription of the server, so the delivery loop can wake those whose filter
 * matches a topic it just appended to. Literal subscriptions are indexed by topic; pattern
 * subscriptions are matched against a topic once, and the answer (literal and pattern
 * subscriptions together) is cached per topic on the delivery loop until a subscription opens or
 * closes. Waking for a batch therefore costs one lookup per topic touched plus one task per
 * interested subscription, not a pattern match per subscription per batch.
 *
 * <p>{@link #add} and {@link #remove} are called on event loops, {@link #wake} on the delivery
 * loop only.
 */
final class SubscriptionRegistry {
    private static final ServerSubscription[] NONE = new ServerSubscription[0];
    /** Topics whose interested subscriptions are cached at most (then the cache starts over). */
    private static final int MAX_CACHED_TOPICS = 100_000;

    private final Object lock = new Object();
    /** Bumped by every add and remove; the delivery loop's cache is valid for one version. */
    private volatile int version;
    // guarded by lock
    private final Map<String, List<ServerSubscription>> literals = new HashMap<>();
    private final List<ServerSubscription> patterns = new ArrayList<>();
    private int size;

    // delivery-loop state
    private final Map<String, ServerSubscription[]> interested = new HashMap<>();
    private int cachedVersion = -1;

    void add(ServerSubscription s) {
        synchronized (lock) {
            if (s.pattern.isLiteral()) {
                literals.computeIfAbsent(s.pattern.value(), t -> new ArrayList<>(1)).add(s);
            } else {
                patterns.add(s);
            }
            size++;
            version++;
        }
    }

    void remove(ServerSubscription s) {
        synchronized (lock) {
            boolean removed;
            if (s.pattern.isLiteral()) {
                List<ServerSubscription> list = literals.get(s.pattern.value());
                removed = list != null && list.remove(s);
                if (list != null && list.isEmpty()) {
                    literals.remove(s.pattern.value());
                }
            } else {
                removed = patterns.remove(s);
            }
            if (removed) {
                size--;
                version++;
            }
        }
    }

    int size() {
        synchronized (lock) {
            return size;
        }
    }

    /**
     * Wakes every subscription interested in one of {@code topics}. Delivery loop. A subscription
     * registered while this runs may be missed; it is woken once by whoever registered it, after
     * registering, so it still sees every append.
     */
    void wake(Set<String> topics) {
        int v = version;
        if (v != cachedVersion || interested.size() > MAX_CACHED_TOPICS) {
            interested.clear();
            cachedVersion = v;
        }
        for (String topic : topics) {
            ServerSubscription[] subs = interested.get(topic);
            if (subs == null) {
                subs = match(topic);
                interested.put(topic, subs);
            }
            for (ServerSubscription s : subs) {
                s.wakeAfterAppend();
            }
        }
    }

    private ServerSubscription[] match(String topic) {
        synchronized (lock) {
            List<ServerSubscription> out = new ArrayList<>(literals.getOrDefault(topic, List.of()));
            for (ServerSubscription s : patterns) {
                if (s.pattern.matches(topic)) {
                    out.add(s);
                }
            }
            return out.isEmpty() ? NONE : out.toArray(NONE);
        }
    }
}
