package org.backplane.client;

import org.backplane.client.protocol.Frame;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An open subscription: messages matching its pattern reach its {@link MessageHandler} on the
 * subscription's own dispatch thread (or the client's I/O thread, {@link Dispatch}), in order per topic (and in the server's append order across
 * topics). After a lost connection the client resumes it, on the same server or another, at the
 * last seq + 1 of every topic it has received and at the subscription's start for every other
 * topic (for a start at "now" or "last N", the per-topic start the server reported when it
 * opened the subscription; docs/PROTOCOL.md "Exact resume"), so the handler sees no gap and no
 * duplicate. Created by
 * {@link BusClient#subscribe}; all public methods are thread-safe.
 *
 * <p>Flow control: the server may send at most {@link ClientOptions#subscriptionWindow()}
 * messages the handler has not yet consumed; credits go back as the handler consumes, so a
 * stalled handler stops the server sending (it then falls behind in the server's log, costing no
 * memory on either side).
 */
public final class Subscription implements AutoCloseable {
    private final BusClient client;
    private final int id;
    private final TopicPattern pattern;
    private final StartPosition start;
    private final MessageHandler handler;
    private final Dispatch dispatch;
    private final int window;
    private final int creditBatch;
    private final Thread dispatcher;

    // ---- I/O thread state
    /** Last seq received from the server per topic: the resume map after a reconnect. */
    final Map<String, Long> received = new HashMap<>();
    /** Messages received and not yet returned as credits. */
    int unreturned;
    /**
     * For a start at "now" or "last N", once the server confirmed it: where the subscription
     * started in each topic that had history when it opened (the server's START_SEQS), for the
     * topics not yet received (a topic leaves this map with its first message). Null before the
     * confirmation and for other starts.
     */
    Map<String, Long> startSeqs;
    /** START_SEQS collected while the first SUBSCRIBE awaits its SUBSCRIBED; null otherwise. */
    Map<String, Long> pendingStartSeqs;
    /** The channel the current SUBSCRIBE went out on, or null. */
    Object subscribedOn;
    /** Messages of the current socket read, handed to the dispatcher once per read. */
    final List<BusMessage> ioBatch = new ArrayList<>();
    /** True while this subscription is in the client's list of those the current read touched. */
    boolean touchedThisRead;
    /** {@link Dispatch#IO_THREAD}: messages handled since credits went back. */
    private int ioConsumed;

    // ---- handling state (the dispatch thread, or the I/O thread with Dispatch.IO_THREAD)
    /** The topic and last seq of the run of messages of one topic handled last. */
    private String runTopic;
    private long runSeq;
    /** Completes when the server confirms the first SUBSCRIBE, or fails with its refusal. */
    final CompletableFuture<Void> opened = new CompletableFuture<>();
    /** Duplicates dropped after a resume (should stay 0; counted for tests and diagnostics). */
    long duplicatesDropped;

    // ---- dispatch state
    private final Map<String, Long> handled = new ConcurrentHashMap<>();
    private final AtomicLong delivered = new AtomicLong();
    private final Object lock = new Object();
    private List<BusMessage> queue = new ArrayList<>();
    private boolean closed;
    private volatile boolean closedFlag;
    private volatile String endReason;

    Subscription(BusClient client, int id, TopicPattern pattern, StartPosition start, Dispatch dispatch,
                 MessageHandler handler, int window) {
        this.client = client;
        this.id = id;
        this.pattern = pattern;
        this.start = start;
        this.dispatch = dispatch;
        this.handler = handler;
        this.window = window;
        this.creditBatch = Math.max(1, window / 4);
        this.dispatcher = dispatch == Dispatch.OWN_THREAD
                ? new Thread(this::dispatchLoop, "bus-sub-" + id + " " + pattern.value()) : null;
        if (dispatcher != null) {
            dispatcher.setDaemon(true);
        }
    }

    void startDispatcher() {
        if (dispatcher != null) {
            dispatcher.start();
        }
    }

    /** Which thread runs the handler. */
    public Dispatch dispatch() {
        return dispatch;
    }

    /** The subscription's id on its connection (unique per client). */
    public int id() {
        return id;
    }

    /** The pattern it was opened with. */
    public TopicPattern pattern() {
        return pattern;
    }

    /** Where it started. */
    public StartPosition start() {
        return start;
    }

    int window() {
        return window;
    }

    /**
     * The seq of the last message of {@code topic} that the handler has returned from, or 0 if
     * none. Updated when the handler moves on to another topic and at the end of each batch the
     * dispatch thread takes, so while a batch is being handled it may lag behind. Any thread.
     */
    public long lastSeq(String topic) {
        return handled.getOrDefault(topic, 0L);
    }

    /** A snapshot of {@link #lastSeq} for every topic handled so far. Any thread. */
    public Map<String, Long> lastSeqs() {
        return Map.copyOf(handled);
    }

    /** Messages handed to the handler so far. Any thread. */
    public long delivered() {
        return delivered.get();
    }

    /** True until {@link #close()} or the server ends the subscription. Any thread. */
    public boolean isActive() {
        return !closedFlag;
    }

    /** Why the server ended the subscription, or null if it did not. Any thread. */
    public String endReason() {
        return endReason;
    }

    /**
     * Closes the subscription: no handler call starts after this returns (when called from
     * another thread than the handler's, it waits up to 10 s for a running handler call to
     * return). Idempotent. Any thread, including the handler itself.
     */
    @Override
    public void close() {
        if (markClosed()) {
            client.unsubscribe(this);
        }
        if (dispatcher == null) {
            client.awaitIoThread(); // a handler call running on the I/O thread returns first
        } else if (Thread.currentThread() != dispatcher && dispatcher.isAlive()) {
            try {
                dispatcher.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Marks the subscription closed and wakes the dispatcher; false if it already was. */
    boolean markClosed() {
        synchronized (lock) {
            if (closed) {
                return false;
            }
            closed = true;
            closedFlag = true;
            queue = new ArrayList<>();
            lock.notifyAll();
            return true;
        }
    }

    /** The server ended the subscription with a reason (I/O thread). */
    void ended(String reason) {
        endReason = reason;
        markClosed();
    }

    /**
     * {@link Dispatch#IO_THREAD}: runs the handler on one message now (I/O thread); the credits
     * go back from {@link #flushIoBatch} once a quarter window has been handled.
     */
    void handleOnIoThread(BusMessage message) {
        if (closedFlag) {
            return;
        }
        handle(message);
        ioConsumed++;
    }

    /**
     * Runs the handler on one message and notes it in the current run of one topic (the handling
     * thread: the dispatcher, or the I/O thread). {@link #lastSeq} is published per run, and
     * before credits go back.
     */
    private void handle(BusMessage message) {
        try {
            handler.onMessage(message);
        } catch (Throwable t) {
            client.handlerFailed(this, message, t);
        }
        if (!message.topic().equals(runTopic)) {
            publishRun();
            runTopic = message.topic();
        }
        runSeq = message.seq();
        delivered.lazySet(delivered.get() + 1);
    }

    /** Publishes the current run's last seq to {@link #lastSeq} (the handling thread). */
    private void publishRun() {
        if (runTopic != null) {
            handled.put(runTopic, runSeq);
        }
    }

    /**
     * At the end of a socket read (I/O thread): hands the read's messages to the dispatcher, or,
     * with {@link Dispatch#IO_THREAD}, publishes {@link #lastSeq} and returns credits for the
     * messages handled.
     */
    void flushIoBatch() {
        touchedThisRead = false;
        if (dispatcher == null) {
            publishRun();
            if (ioConsumed >= creditBatch) {
                client.returnCredits(this, ioConsumed);
                ioConsumed = 0;
            }
            return;
        }
        if (ioBatch.isEmpty()) {
            return;
        }
        synchronized (lock) {
            if (!closed) {
                boolean wasEmpty = queue.isEmpty();
                queue.addAll(ioBatch);
                if (wasEmpty) {
                    lock.notifyAll();
                }
            }
        }
        ioBatch.clear();
    }

    /** True if the server is to say where this subscription starts per topic (START_SEQS). */
    boolean needsStartSeqs() {
        return start == StartPosition.Now.INSTANCE || start instanceof StartPosition.LastN;
    }

    /**
     * The wire start for a (re)subscribe: the resume map of what was received, else the original
     * start. A "now" or "last N" subscription the server has confirmed resumes exactly (B2, also
     * on another server): a topic received continues at its last seq + 1, a topic that matched at
     * the open but was not received yet at the start seq the server reported then, and any other
     * topic (created after the open) from seq 1.
     */
    Frame.WireStart wireStart() {
        Map<String, Long> resume = new HashMap<>((received.size() + (startSeqs == null ? 0 : startSeqs.size())) * 2);
        if (startSeqs != null) {
            resume.putAll(startSeqs);
        }
        received.forEach((topic, seq) -> resume.put(topic, seq + 1));
        int kind;
        long value = 0;
        if (startSeqs != null) {
            kind = Frame.WireStart.AT_SEQ;
            value = 1;
        } else if (start instanceof StartPosition.FromSeq s) {
            kind = Frame.WireStart.AT_SEQ;
            value = s.seq();
        } else if (start instanceof StartPosition.FromTime t) {
            kind = Frame.WireStart.AT_TIME;
            value = t.time().toEpochMilli();
        } else if (start instanceof StartPosition.LastN n) {
            kind = Frame.WireStart.LAST_N;
            value = n.n();
        } else if (start == StartPosition.Now.INSTANCE) {
            kind = Frame.WireStart.END;
        } else {
            kind = Frame.WireStart.BEGINNING;
        }
        return new Frame.WireStart(kind, value, resume);
    }

    /**
     * The dispatch thread: takes everything queued in one swap, runs the handler on each message,
     * and returns credits in batches of a quarter window. Holding back fewer than a quarter
     * window never stalls the server: with the queue drained it still has three quarters of the
     * window to send with.
     */
    private void dispatchLoop() {
        List<BusMessage> batch = new ArrayList<>();
        int consumed = 0;
        while (true) {
            synchronized (lock) {
                while (queue.isEmpty() && !closed) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        closed = true;
                    }
                }
                if (closed) {
                    return;
                }
                List<BusMessage> swap = queue;
                queue = batch;
                batch = swap;
            }
            for (BusMessage message : batch) {
                if (!isActive()) {
                    return;
                }
                handle(message);
                if (++consumed >= creditBatch) {
                    publishRun();
                    client.returnCredits(this, consumed);
                    consumed = 0;
                }
            }
            publishRun();
            batch.clear();
        }
    }

    @Override
    public String toString() {
        return "Subscription[" + id + " " + pattern + " from " + start + "]";
    }
}
