package org.backplane.server;

import org.backplane.client.protocol.ErrorCode;
import org.backplane.history.AppendFailedException;
import org.backplane.history.HistoryCursor;
import org.backplane.history.HistoryStore;
import org.backplane.history.PriorAppend;
import org.backplane.history.StartPosition;
import org.backplane.history.TopicLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The delivery step (ARCHITECTURE.md "Topics on the engine", steps 3-4), on the one delivery
 * thread, for postings already in total order: drops retried duplicates (B3, the store's
 * producer table), numbers and appends the rest to the history store, commits once per batch
 * (group commit), answers each origin once per batch, and wakes the subscriptions whose filter
 * matches a topic of the batch. It neither knows nor cares who ordered the batch.
 */
final class Delivery implements OrderedSink {
    private static final Logger log = LoggerFactory.getLogger(Delivery.class);

    private final HistoryStore store;
    private final SubscriptionRegistry subscriptions;
    private final ServerMetrics metrics;
    private final Clock clock;
    private final Map<String, TopicLog> topics = new HashMap<>();
    private long lastTimestampMillis;
    private String lastTopicName;
    private TopicLog lastTopic;
    private TopicLog lastTouched;

    Delivery(HistoryStore store, SubscriptionRegistry subscriptions, ServerMetrics metrics, Clock clock) {
        this.clock = clock;
        this.store = store;
        this.subscriptions = subscriptions;
        this.metrics = metrics;
        // a restart with a clock behind the log's (another host, a clock step) must not stamp
        // a topic's new entries earlier than its old ones: time-based reads binary-search them
        this.lastTimestampMillis = store.latestTimestampMillis();
    }

    @Override
    public void deliver(List<Submission> ordered) {
        // one timestamp per batch, never going backwards (resume "since open" relies on it)
        long now = Math.max(clock.millis(), lastTimestampMillis);
        lastTimestampMillis = now;
        Map<PublishOrigin, List<Outcome>> byOrigin = new IdentityHashMap<>();
        Set<String> touched = new HashSet<>();
        int appended = 0;
        PublishOrigin lastOrigin = null;
        List<Outcome> lastOutcomes = null;
        for (Submission s : ordered) {
            Outcome outcome;
            try {
                outcome = deliverOne(s, now, touched);
            } catch (AppendFailedException e) {
                log.error("append to {} failed: {}", s.topic(), e.getMessage());
                outcome = Outcome.refused(s.producerSeq(), ErrorCode.STORE_FAILURE,
                        "history store could not append to " + s.topic() + ": " + e.getMessage());
            } catch (IllegalArgumentException e) {
                outcome = Outcome.refused(s.producerSeq(), ErrorCode.MESSAGE_TOO_LARGE, e.getMessage());
            } catch (RuntimeException e) {
                log.error("delivering to {} failed", s.topic(), e);
                outcome = Outcome.refused(s.producerSeq(), ErrorCode.INTERNAL, "server failed to store the posting: " + e);
            } finally {
                s.release();
            }
            if (outcome.ok()) {
                appended++;
            } else {
                metrics.rejected.increment();
            }
            if (s.origin() != lastOrigin) {
                lastOrigin = s.origin();
                lastOutcomes = byOrigin.computeIfAbsent(lastOrigin, o -> new ArrayList<>());
            }
            lastOutcomes.add(outcome);
        }
        if (appended > 0) {
            try {
                store.commit();
            } catch (RuntimeException e) {
                // the entries are in the log (readable) but their durability is unknown: say so
                log.error("commit failed: {}", e.toString(), e);
                for (List<Outcome> outcomes : byOrigin.values()) {
                    outcomes.replaceAll(o -> o.ok() ? Outcome.refused(o.producerSeq(), ErrorCode.STORE_FAILURE,
                            "history store commit failed: " + e.getMessage() + "; retry the posting") : o);
                }
            }
        }
        // subscribers first: publish-to-deliver latency is the one users feel
        if (!touched.isEmpty()) {
            subscriptions.wake(touched);
        }
        for (Map.Entry<PublishOrigin, List<Outcome>> e : byOrigin.entrySet()) {
            e.getKey().onOutcomes(e.getValue());
        }
    }

    /** Dedups, or appends and notes the topic in {@code touched}. */
    private Outcome deliverOne(Submission s, long now, Set<String> touched) {
        if (s.producerId() != 0) {
            PriorAppend prior = store.findAppended(s.producerId(), s.producerSeq());
            if (prior instanceof PriorAppend.Appended a) {
                metrics.duplicates.increment();
                return Outcome.acked(s.producerSeq(), a.topic(), a.seq(), originalTimestamp(a.topic(), a.seq(), now));
            }
            if (prior instanceof PriorAppend.SeenButForgotten f) {
                return Outcome.refused(s.producerSeq(), ErrorCode.DEDUP_WINDOW_EXCEEDED, "producer seq "
                        + s.producerSeq() + " is older than the server's dedup window (highest seen "
                        + f.highestProducerSeq() + "); it may already be stored, so it is not stored again");
            }
        }
        TopicLog log = s.topic() == lastTopicName ? lastTopic : topics.computeIfAbsent(s.topic(), store::topic);
        lastTopicName = s.topic();
        lastTopic = log;
        long seq = store.append(log, now, s.producerId(), s.producerSeq(), s.key(), s.headers(), s.payload());
        metrics.published.increment();
        if (touched.isEmpty() || lastTouched != log) {
            touched.add(log.name());
            lastTouched = log;
        }
        return Outcome.acked(s.producerSeq(), s.topic(), seq, now);
    }

    /** The timestamp the original of a duplicate was stored with (rare path: retries only). */
    private long originalTimestamp(String topic, long seq, long fallback) {
        long[] ts = {fallback};
        try (HistoryCursor c = store.openCursor(topic, StartPosition.atSeq(seq))) {
            c.poll(e -> {
                if (e.seq() == seq) {
                    ts[0] = e.timestampMillis();
                }
            }, 1);
        }
        return ts[0];
    }

    @Override
    public void tick(long nowMillis) {
        store.maintain(nowMillis);
    }
}
