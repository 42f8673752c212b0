package org.backplane.cli;

import org.backplane.client.BusClient;
import org.backplane.client.BusMessage;
import org.backplane.client.ConnectionListener;
import org.backplane.client.StartPosition;
import org.backplane.client.Subscription;
import org.backplane.client.TopicInfo;
import org.backplane.client.TopicPattern;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code bus tail PATTERN}: subscribes and prints every message as it arrives, one per line, from
 * the chosen start (default: only new postings). Follows until interrupted, or exits after
 * {@code --count} messages, or with {@code --no-follow} once it has printed what every matching
 * topic held when it started. Replay and live are one stream (no gap, no duplicate); if the
 * connection drops, the client resumes where it stopped and says so on stderr.
 *
 * <p>Output is buffered and flushed {@value #FLUSH_MS} ms after the first unflushed line, so a
 * fast replay is not slowed by a write per line, a live message shows up without noticeable
 * delay, and an idle tail does not wake up at all.
 */
@Command(name = "tail", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Print the messages of the topics matching PATTERN as they arrive.",
                "Follows until interrupted (Ctrl-C), or stops after --count messages or with --no-follow."})
final class TailCommand implements Callable<Integer> {
    static final long FLUSH_MS = 50;

    private final Invocation invocation;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PATTERN",
            description = "Topic or pattern: '*' matches one segment, '**' any number (/DEMO/QUOTES/*, '/DEMO/**').")
    private String pattern;

    @ArgGroup(exclusive = true, multiplicity = "0..1", heading = "Start (default: only new messages):%n")
    private Start start;

    /** Where to start; at most one. */
    static final class Start {
        @Option(names = "--from-start", required = true, description = "Each topic from its first retained message.")
        boolean fromStart;

        @Option(names = "--from-seq", required = true, paramLabel = "N", description = "Each topic from seq N.")
        Long fromSeq;

        @Option(names = "--last", required = true, paramLabel = "N", description = "The last N messages of each topic, then new ones.")
        Long last;

        @Option(names = "--since", required = true, paramLabel = "TIME",
                description = "Messages posted at or after TIME: ISO-8601 (2026-11-27T12:00:00Z, 2026-11-27) "
                        + "or a time ago (90s, 10m, 2h, 7d).")
        String since;
    }

    @Option(names = {"-n", "--count"}, paramLabel = "N", description = "Exit after N messages.")
    private Long count;

    @Option(names = "--no-follow",
            description = "Exit once every topic matching PATTERN when tail started has been printed up to "
                    + "its last message then (replay only; use with a start option).")
    private boolean noFollow;

    @Option(names = "--json",
            description = "One JSON object per line: topic, seq, timestamp (ISO-8601), key, headers, payload (UTF-8).")
    private boolean json;

    @Option(names = "--headers", description = "Show headers (NAME=VALUE) in the text format.")
    private boolean showHeaders;

    @Mixin
    private ClientConnection connection;

    @Mixin
    private LogLevelOption logLevel;

    TailCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Override
    public Integer call() throws InterruptedException {
        logLevel.apply("error");
        if (count != null && count < 1) {
            throw new ParameterException(spec.commandLine(), "--count must be at least 1, got " + count);
        }
        if (noFollow && start == null) {
            throw new ParameterException(spec.commandLine(),
                    "--no-follow needs a start: --from-start, --from-seq, --last or --since");
        }
        StartPosition from = startPosition();
        String problem = TopicPattern.problem(pattern);
        if (problem != null) {
            throw new CliException(problem);
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (BusClient client = connection.connect(invocation, "bus-tail", new Notices(err))) {
            Map<String, Long> until = noFollow ? endOfHistory(client) : null;
            Printer printer = new Printer(out, until, count);
            if (printer.isDone()) {
                return 0;
            }
            Thread flusher = new Thread(printer::flushPeriodically, "bus-tail-flush");
            flusher.setDaemon(true);
            flusher.start();
            try (Subscription subscription = client.subscribe(pattern, from, printer::print)) {
                while (!printer.awaitDone(200)) {
                    if (!subscription.isActive()) {
                        printer.flush();
                        throw new CliException("the server ended the subscription"
                                + (subscription.endReason() == null ? "" : ": " + subscription.endReason()));
                    }
                }
            } finally {
                flusher.interrupt();
                printer.flush();
            }
        }
        return 0;
    }

    private StartPosition startPosition() {
        if (start == null) {
            return StartPosition.now();
        }
        try {
            if (start.fromStart) {
                return StartPosition.fromStart();
            }
            if (start.fromSeq != null) {
                return StartPosition.fromSeq(start.fromSeq);
            }
            if (start.last != null) {
                return StartPosition.lastN(start.last);
            }
            return StartPosition.fromTime(TimeSpec.parse(start.since, Clock.systemUTC().instant(), ZoneId.systemDefault()));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "Invalid start: " + e.getMessage());
        }
    }

    /** Last seq of every matching topic that holds messages now: where --no-follow stops. */
    private Map<String, Long> endOfHistory(BusClient client) {
        Map<String, Long> until = new HashMap<>();
        for (TopicInfo t : client.topics(pattern)) {
            if (t.retainedCount() > 0) {
                until.put(t.name(), t.lastSeq());
            }
        }
        return until;
    }

    /**
     * Prints messages on the subscription's dispatch thread and decides when tail is done. The
     * writer is shared with the flusher thread; {@link PrintWriter} locks internally.
     */
    private final class Printer {
        private final PrintWriter out;
        private final Map<String, Long> until;
        private final Long limit;
        private final CountDownLatch done = new CountDownLatch(1);
        private long printed;
        /** Lines printed and not yet flushed; set by the dispatch thread, cleared by the flusher. */
        private volatile boolean dirty;

        Printer(PrintWriter out, Map<String, Long> until, Long limit) {
            this.out = out;
            this.until = until;
            this.limit = limit;
            if (until != null && until.isEmpty()) {
                done.countDown();
            }
        }

        /** Dispatch thread. */
        void print(BusMessage m) {
            if (isDone()) {
                return;
            }
            out.println(json ? Output.json(m) : Output.text(m, showHeaders));
            printed++;
            if (!dirty) {
                synchronized (this) {
                    dirty = true;
                    notifyAll();
                }
            }
            if (until != null) {
                Long last = until.get(m.topic());
                if (last != null && m.seq() >= last) {
                    until.remove(m.topic());
                }
            }
            if ((limit != null && printed >= limit) || (until != null && until.isEmpty())) {
                out.flush();
                done.countDown();
            }
        }

        boolean isDone() {
            return done.getCount() == 0;
        }

        boolean awaitDone(long millis) throws InterruptedException {
            return done.await(millis, TimeUnit.MILLISECONDS);
        }

        void flush() {
            out.flush();
        }

        /**
         * Flusher thread: once something was printed, waits FLUSH_MS and pushes the buffered
         * lines out; sleeps while nothing is printed (an idle tail costs no CPU). When the
         * output is gone (a closed pipe: {@code bus tail ... | head -3}), tail is done.
         */
        void flushPeriodically() {
            try {
                while (true) {
                    synchronized (this) {
                        while (!dirty) {
                            wait();
                        }
                    }
                    Thread.sleep(FLUSH_MS);
                    dirty = false;
                    if (out.checkError()) { // flushes, and says whether writing ever failed
                        done.countDown();
                        return;
                    }
                }
            } catch (InterruptedException e) {
                // tail is ending; the caller flushes the rest
            }
        }
    }

    /** Tells the user on stderr when the connection drops and comes back. I/O thread: only prints. */
    private static final class Notices implements ConnectionListener {
        private final PrintWriter err;

        Notices(PrintWriter err) {
            this.err = err;
        }

        @Override
        public void disconnected(String server, Throwable cause) {
            err.println("bus: connection to " + server + " lost" + (cause == null || cause.getMessage() == null ? ""
                    : " (" + cause.getMessage() + ")") + "; reconnecting");
            err.flush();
        }

        @Override
        public void reconnected(String server, String serverId) {
            err.println("bus: reconnected to " + server + " (" + serverId + "); resuming without gap");
            err.flush();
        }
    }
}
