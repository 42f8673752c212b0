package org.backplane.vsync.membership;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.backplane.vsync.api.Delivery;
import org.backplane.vsync.api.MemberId;
import org.backplane.vsync.api.MessageId;
import org.backplane.vsync.api.Ordering;
import org.backplane.vsync.api.Replies;
import org.backplane.vsync.api.ReplyMode;
import org.backplane.vsync.api.View;
import org.backplane.vsync.api.ViewChange;
import org.backplane.vsync.api.VsyncConfig;
import org.backplane.vsync.check.HistoryRecorder;
import org.backplane.vsync.flush.Accept;
import org.backplane.vsync.flush.AcceptOk;
import org.backplane.vsync.flush.Ballot;
import org.backplane.vsync.flush.Commit;
import org.backplane.vsync.flush.Cut;
import org.backplane.vsync.flush.CutCalculator;
import org.backplane.vsync.flush.Decision;
import org.backplane.vsync.flush.Prepare;
import org.backplane.vsync.flush.PrepareNack;
import org.backplane.vsync.flush.PrepareOk;
import org.backplane.vsync.flush.ViewInfo;
import org.backplane.vsync.flush.ViewQuery;
import org.backplane.vsync.multicast.CausalDelivery;
import org.backplane.vsync.multicast.Data;
import org.backplane.vsync.multicast.Reply;
import org.backplane.vsync.ordering.Order;
import org.backplane.vsync.ordering.OrderLog;
import org.backplane.vsync.ordering.Sequencer;
import org.backplane.vsync.stability.Ack;
import org.backplane.vsync.stability.Stability;
import org.backplane.vsync.state.StateAck;
import org.backplane.vsync.state.StateChunk;
import org.backplane.vsync.state.StateRequest;
import org.backplane.vsync.state.StateTransfer;
import org.backplane.vsync.transport.GroupMessage;

/**
 * One process's membership in one group: the machine that ties the group's concerns together
 * (ARCHITECTURE "The engine"; PROTOCOL-NOTES §2.4, §3.5, §4, §5, §6). It owns the current view
 * and, per view, the {@link CausalDelivery} state, the {@link OrderLog}, the {@link Stability}
 * rows and, at the oldest member, the {@link Sequencer}. Between views it runs the flush: the
 * oldest unsuspected member proposes (Prepare, PrepareOk), the cut and next view are accepted by
 * every participant (Accept, AcceptOk) and committed (Commit); a new leader adopts the highest
 * accepted decision. Joins, leaves and suspicions are bundled into one view change; a view needs
 * a majority of its predecessor. State transfer is started at the donor right after it installs
 * the joining view.
 *
 * <p>Single-threaded: every method is called on the node's engine thread (or the simulation
 * thread) with {@code nowNs} passed in; effects go to the {@link GroupOutbox}, the
 * {@link GroupSink} and the {@link HistoryRecorder}. A malformed or stale peer message is
 * dropped and counted; a broken invariant throws.
 */
public final class GroupMember {

    private static final Logger LOG = LoggerFactory.getLogger(GroupMember.class);

    /** The member's lifecycle. */
    public enum Status {
        /** Asked to join; no view yet. */
        JOINING,
        /** In a view (possibly wedged by a flush, or without quorum). */
        MEMBER,
        /** Left cleanly; inert. */
        LEFT,
        /** Dropped from the group; inert (the process comes back only as a new incarnation). */
        EXCLUDED
    }

    /** The phases of a flush run by this member as leader. */
    private enum Phase {
        /** Prepare sent; waiting for every participant's PrepareOk. */
        PREPARE,
        /** Accept sent; waiting for every acceptor's AcceptOk. */
        ACCEPT
    }

    private static final class Round {
        final Ballot ballot;
        final List<MemberId> participants;
        final long startedNs;
        final Map<MemberId, PrepareOk> replies = new LinkedHashMap<>();
        final Set<MemberId> acceptors = new LinkedHashSet<>();
        final Set<MemberId> acceptOks = new HashSet<>();
        Phase phase = Phase.PREPARE;
        Decision decision;

        Round(Ballot ballot, List<MemberId> participants, long startedNs) {
            this.ballot = ballot;
            this.participants = participants;
            this.startedNs = startedNs;
        }
    }

    private record PendingSend(Ordering ordering, byte[] payload, ReplyMode mode, boolean safe, Object handle) {
    }

    private static final class Collector {
        final Object handle;
        final ReplyMode mode;
        final MessageId id;
        final int quorum;
        final Set<MemberId> expected;
        final Map<MemberId, byte[]> replies = new LinkedHashMap<>();
        final List<MemberId> departed = new ArrayList<>();

        Collector(Object handle, ReplyMode mode, MessageId id, View view) {
            this.handle = handle;
            this.mode = mode;
            this.id = id;
            this.quorum = view.size() / 2 + 1;
            this.expected = new LinkedHashSet<>(view.members());
        }

        boolean satisfied() {
            return switch (mode) {
                case NONE -> false;
                case ONE -> !replies.isEmpty() || expected.isEmpty();
                case QUORUM -> replies.size() >= quorum || replies.size() + pendingCount() < quorum;
                case ALL -> pendingCount() == 0;
            };
        }

        int pendingCount() {
            int c = 0;
            for (MemberId m : expected) {
                if (!replies.containsKey(m)) {
                    c++;
                }
            }
            return c;
        }
    }

    private record Early(MemberId from, GroupMessage message) {
    }

    private final String group;
    private final MemberId self;
    private final VsyncConfig cfg;
    private final GroupOutbox out;
    private final GroupSink sink;
    private final HistoryRecorder rec;
    private final Delivery.ReplyChannel replyChannel;
    private final Breakage breakage;
    private final long hbNs;
    private final long timeoutNs;
    private final long ackNs;
    private final long bundleNs;
    private final long flushTimeoutNs;
    private final long orderDelayNs;

    private Status status = Status.JOINING;
    private View view;
    private int rank = -1;
    private Commit lastCommit;
    private CausalDelivery cd;
    private OrderLog order;
    private Stability stab;
    private Sequencer sequencer;

    // flush, member side
    private boolean wedged;
    private long wedgedSinceNs;
    private Ballot promised = Ballot.ZERO;
    private Ballot acceptedBallot;
    private Decision accepted;
    private MemberId acceptFrom;
    private Ballot pendingAcceptBallot;
    private Decision pendingAccept;
    private Commit pendingCommit;
    private long pendingCommitSinceNs;
    private long maxRoundSeen;

    // flush, leader side
    private Round round;
    private long retryAfterNs;
    private long bundleSinceNs = -1;
    private final Set<MemberId> pendingJoins = new LinkedHashSet<>();
    private final Set<MemberId> pendingLeaves = new LinkedHashSet<>();
    private final Map<MemberId, Long> forcedSuspects = new java.util.TreeMap<>();
    private long lastMinorityLogNs = -1;
    private final Map<MemberId, Set<MemberId>> reported = new LinkedHashMap<>();
    private final Map<MemberId, Long> reportedAtNs = new LinkedHashMap<>();
    private Set<MemberId> fdSuspects = Set.of();
    private boolean quorumLost;
    private boolean flushRequested;
    private long ownFreed;
    private boolean arrivedThisPass;
    // Safe messages held and not yet delivered in this view: while there are any, receipt
    // reports go out in the pass that changed them instead of waiting for the ack interval (a
    // safe delivery waits for every member's report, so a rate-limited report is pure latency).
    private long safeWaiting;
    private boolean ackUrgent;
    private long lastSuspectReportNs;

    // joining
    private long joinStartedNs = -1;
    private boolean mayFoundAlone = true;
    private long lastJoinSentNs = -1;
    private long lastHeardGroupNs = -1;
    private final Map<MemberId, Long> noGroupAtNs = new LinkedHashMap<>();
    private final Set<MemberId> alsoJoining = new TreeSet<>();
    private final List<Early> early = new ArrayList<>();
    private long lastQueryNs = -1;
    private final Map<MemberId, Long> noticeSentNs = new LinkedHashMap<>();

    // sending
    private final ArrayDeque<PendingSend> queued = new ArrayDeque<>();
    private final Map<MessageId, Collector> collectors = new LinkedHashMap<>();
    private boolean leaving;

    // acks
    private long lastAckNs = -1;
    private long[] lastAckVector;
    private long lastAckOrder = -1;

    // state transfer
    private final StateTransfer transfer;
    private final List<Object> deferred = new ArrayList<>();

    // self-addressed messages, handled after the current step (no re-entrancy)
    private final ArrayDeque<GroupMessage> selfQueue = new ArrayDeque<>();
    private boolean draining;

    private long droppedMessages;

    /**
     * @param group        the group name
     * @param self         this process
     * @param cfg          the configuration
     * @param out          where messages to peers go
     * @param sink         the application side
     * @param rec          the history recorder
     * @param replyChannel how deliveries' replies come back to this machine
     * @param breakage     test-only defects ({@link Breakage#NONE} in production)
     */
    public GroupMember(String group, MemberId self, VsyncConfig cfg, GroupOutbox out, GroupSink sink,
                       HistoryRecorder rec, Delivery.ReplyChannel replyChannel, Breakage breakage) {
        this.group = group;
        this.self = self;
        this.cfg = cfg;
        this.out = out;
        this.sink = sink;
        this.rec = rec;
        this.replyChannel = replyChannel;
        this.breakage = breakage;
        this.hbNs = cfg.heartbeatInterval().toNanos();
        this.timeoutNs = cfg.failureTimeout().toNanos();
        this.ackNs = cfg.ackInterval().toNanos();
        this.bundleNs = cfg.bundleDelay().toNanos();
        this.flushTimeoutNs = cfg.flushTimeout().toNanos();
        this.orderDelayNs = cfg.orderBatchDelay().toNanos();
        this.transfer = new StateTransfer(group, cfg.stateWindowChunks());
    }

    // ------------------------------------------------------------------ queries

    /** The group name. */
    public String group() {
        return group;
    }

    /** This process. */
    public MemberId self() {
        return self;
    }

    /** The lifecycle status. */
    public Status status() {
        return status;
    }

    /** The installed view, or null while joining. */
    public View view() {
        return view;
    }

    /** Whether a flush has wedged this member in its current view. */
    public boolean wedged() {
        return wedged;
    }

    /** Whether this member waits for its state transfer. */
    public boolean awaitingState() {
        return transfer.awaiting();
    }

    /** Messages queued by the application and not yet sent (window full, wedged or joining). */
    public int queuedSends() {
        return queued.size();
    }

    /** Own messages sent in this view and not yet stable. */
    public long unstableOwn() {
        return status == Status.MEMBER ? cd.sent() - stab.stable(rank) : 0;
    }

    /** Peer messages dropped as malformed or stale. */
    public long droppedMessages() {
        return droppedMessages;
    }

    /** The peers whose failure matters to this group: the members of the view. */
    public Collection<MemberId> monitored() {
        return status == Status.MEMBER ? view.members() : List.of();
    }

    // ------------------------------------------------------------------ application commands

    /**
     * Starts joining: join requests go to the known peers until a view arrives. The group is
     * founded here only if nobody answers for it: every known peer says it has no such group and
     * this process is the lowest id among those also joining; with {@code mayFoundAlone} false (the
     * process was given seeds) it also needs at least one peer to have answered, so a process
     * that cannot reach its seeds yet never founds a second group.
     */
    public void startJoin(long nowNs, boolean mayFoundAlone) {
        joinStartedNs = nowNs;
        this.mayFoundAlone = mayFoundAlone;
    }

    /** Queues a multicast; {@code handle} comes back in {@link GroupSink#onMulticastDone}. */
    public void multicast(Ordering ordering, byte[] payload, ReplyMode mode, boolean safe, Object handle, long nowNs) {
        if (status == Status.LEFT || status == Status.EXCLUDED || leaving) {
            sink.onMulticastFailed(handle, "member is " + (leaving ? "leaving" : status.name().toLowerCase()));
            return;
        }
        queued.addLast(new PendingSend(ordering, payload, mode, safe, handle));
        pumpSends(nowNs);
        drain(nowNs);
    }

    /** Starts a clean leave. */
    public void leave(long nowNs) {
        if (status == Status.JOINING) {
            stop(true, "left before joining");
            return;
        }
        if (status != Status.MEMBER || leaving) {
            return;
        }
        leaving = true;
        rec.leave(group, self);
        LOG.info("{} {} leaving (view {})", self, group, view.id());
        if (view.size() == 1) {
            stop(true, "left (last member)");
            return;
        }
        pendingLeaves.add(self);
        for (MemberId m : view.members()) {
            if (!m.equals(self)) {
                out.send(m, new LeaveRequest(group, view.id()));
            }
        }
    }

    /** A reply from the application to a delivered message. */
    public void reply(MessageId id, byte[] payload) {
        if (status != Status.MEMBER) {
            return;
        }
        if (id.sender().equals(self)) {
            onReply(self, new Reply(group, id.viewId(), id.seq(), payload));
        } else {
            out.send(id.sender(), new Reply(group, id.viewId(), id.seq(), payload));
        }
    }

    /** The donor application wrote the next chunk of the state for {@code joiner}; false if that transfer was abandoned. */
    public boolean stateChunk(MemberId joiner, byte[] bytes, boolean last) {
        return transfer.produce(joiner, bytes, last, out::send);
    }

    /** State chunks produced for {@code joiner} and not yet acknowledged (for the producer's flow control). */
    public long stateUnacked(MemberId joiner) {
        return transfer.unacked(joiner);
    }

    /** The joiner application consumed chunk {@code seq} of the transfer for {@code viewId}. */
    public void stateChunkConsumed(long viewId, long seq) {
        MemberId donor = transfer.donor();
        if (donor != null && transfer.awaitedViewId() == viewId) {
            out.send(donor, new StateAck(group, viewId, seq));
        }
    }

    /** The joiner application has set its state (for {@code viewId}); held deliveries now flow. */
    public void stateInstalled(long viewId) {
        if (!transfer.awaiting() || transfer.awaitedViewId() != viewId) {
            return;
        }
        transfer.done();
        LOG.info("{} {} state in place (as of view {}); releasing {} held events", self, group, viewId, deferred.size());
        List<Object> held = new ArrayList<>(deferred);
        deferred.clear();
        for (Object o : held) {
            if (o instanceof Delivery d) {
                emitDelivery(d);
            } else {
                sink.onView((ViewChange) o);
            }
        }
    }

    // ------------------------------------------------------------------ timers

    /**
     * Runs timers: join retries and founding, suspicion reports, the leader's view changes and
     * flush timeouts, acknowledgements, pending commits.
     *
     * @param fdSuspectsNow the node failure detector's suspects
     * @param knownPeers    every process this one can reach (for join requests)
     */
    public void doWork(long nowNs, Set<MemberId> fdSuspectsNow, Collection<MemberId> knownPeers) {
        if (status == Status.JOINING) {
            joinWork(nowNs, knownPeers);
            drain(nowNs);
            return;
        }
        if (status != Status.MEMBER) {
            return;
        }
        Set<MemberId> s = new TreeSet<>();
        for (MemberId m : fdSuspectsNow) {
            if (view.contains(m)) {
                s.add(m);
            }
        }
        fdSuspects = s;
        boolean lost = view.size() - s.size() <= view.size() / 2;
        if (lost != quorumLost) {
            quorumLost = lost;
            LOG.warn("{} {} {} quorum in view {} (suspects {})", self, group, lost ? "lost" : "regained", view.id(), s);
            rec.quorum(group, self, lost);
            sink.onQuorum(lost);
            if (!lost) {
                deliverReady(nowNs);
            }
        }
        if (!s.isEmpty() && nowNs - lastSuspectReportNs >= hbNs) {
            lastSuspectReportNs = nowNs;
            Suspect report = new Suspect(group, view.id(), new ArrayList<>(s));
            for (MemberId m : view.members()) {
                if (!m.equals(self) && !s.contains(m)) {
                    out.send(m, report);
                }
            }
        }
        if (round != null && nowNs - round.startedNs > flushTimeoutNs) {
            Set<MemberId> silent = new TreeSet<>(round.phase == Phase.PREPARE ? round.participants : round.acceptors);
            silent.removeAll(round.phase == Phase.PREPARE ? round.replies.keySet() : round.acceptOks);
            silent.remove(self);
            LOG.warn("{} {} flush {} timed out in {}; excluding the silent {}", self, group, round.ballot, round.phase, silent);
            for (MemberId m : silent) {
                forcedSuspects.put(m, nowNs);
            }
            round = null;
        }
        if (pendingCommit != null) {
            retryPendingCommit(nowNs);
        }
        if (wedged && round == null && nowNs - wedgedSinceNs > flushTimeoutNs
                && (lastQueryNs < 0 || nowNs - lastQueryNs >= flushTimeoutNs)) {
            // Wedged for long with no flush of ours running: the group may have moved on without us.
            lastQueryNs = nowNs;
            sendToOthers(new ViewQuery(group, view.id()));
        }
        maybeStartViewChange(nowNs);
        pumpSends(nowNs);
        drain(nowNs);
    }

    /** End of an event batch: sends the sequencer's order batch and this member's receipt report when due. */
    public void endOfPass(long nowNs) {
        if (status != Status.MEMBER) {
            return;
        }
        if (arrivedThisPass) {
            arrivedThisPass = false;
            if (sequencer != null) {
                cd.advanceReady(r -> sequence(r, nowNs));
            }
            deliverReady(nowNs);
        }
        if (sequencer != null) {
            Order o = sequencer.takeBatch(nowNs, wedged ? 0 : orderDelayNs, cfg.maxOrderBatch());
            if (o != null) {
                sendToOthers(o);
            }
        }
        if (view.size() > 1 && !wedged && sink.backlog() <= cfg.sendWindow()) {
            // A wedged member acknowledges nothing more: what it reported in its PrepareOk is the
            // most any member may count as stable in this view (else a member outside the flush
            // could deliver "safe" messages in an order the cut does not keep).
            long[] recv = cd.receivedVector();
            long known = order.known();
            if (stab.update(rank, recv, known)) {
                afterStabilityGrew(nowNs);
            }
            boolean changed = known != lastAckOrder || !java.util.Arrays.equals(recv, lastAckVector);
            if (changed && (ackUrgent || lastAckNs < 0 || nowNs - lastAckNs >= ackNs)) {
                ackUrgent = false;
                lastAckNs = nowNs;
                lastAckVector = recv;
                lastAckOrder = known;
                sendToOthers(new Ack(group, view.id(), recv, known));
            }
        }
        drain(nowNs);
    }

    // ------------------------------------------------------------------ inbound

    /** A message from a peer (or, for join handling, from this node). */
    public void onMessage(MemberId from, GroupMessage m, long nowNs) {
        handle(from, m, nowNs);
        drain(nowNs);
    }

    private void drain(long nowNs) {
        if (draining) {
            return;
        }
        draining = true;
        try {
            GroupMessage m;
            while ((m = selfQueue.pollFirst()) != null) {
                handle(self, m, nowNs);
            }
        } finally {
            draining = false;
        }
    }

    private void sendTo(MemberId to, GroupMessage m) {
        if (to.equals(self)) {
            selfQueue.addLast(m);
        } else {
            out.send(to, m);
        }
    }

    private void sendToOthers(GroupMessage m) {
        for (MemberId p : view.members()) {
            if (!p.equals(self)) {
                out.send(p, m);
            }
        }
    }

    private void handle(MemberId from, GroupMessage m, long nowNs) {
        if (m instanceof JoinRequest jr) {
            onJoinRequest(from, jr, nowNs);
        } else if (m instanceof JoinPending) {
            lastHeardGroupNs = nowNs;
        } else if (m instanceof NoGroup ng) {
            noGroupAtNs.put(from, nowNs);
            if (ng.joining()) {
                alsoJoining.add(from);
            } else {
                alsoJoining.remove(from);
            }
        } else if (m instanceof Commit c) {
            applyCommit(c, nowNs);
        } else if (m instanceof ViewInfo vi) {
            onViewInfo(vi, nowNs);
        } else if (m instanceof ViewQuery q) {
            if (status == Status.MEMBER) {
                out.send(from, new ViewInfo(group, view.id(), lastCommit));
                if (q.viewId() == view.id() && view.contains(from)) {
                    // A member of our view is stuck wedged (its flush leader gave up or failed):
                    // whoever leads now runs a flush, even with nothing else to change.
                    flushRequested = true;
                }
            }
        } else if (m instanceof Prepare p) {
            onPrepare(from, p, nowNs);
        } else {
            onViewScoped(from, m, nowNs);
        }
    }

    private void onViewScoped(MemberId from, GroupMessage m, long nowNs) {
        if (status == Status.JOINING) {
            if (m.viewId() > 0) {
                keepEarly(from, m);
            }
            return;
        }
        if (status != Status.MEMBER) {
            return;
        }
        if (m.viewId() > view.id()) {
            keepEarly(from, m);
            if (lastQueryNs < 0 || nowNs - lastQueryNs >= hbNs) {
                lastQueryNs = nowNs;
                out.send(from, new ViewQuery(group, view.id()));
            }
            return;
        }
        if (m.viewId() < view.id()) {
            if (!onAnyView(from, m)) {
                droppedMessages++;
                if (!view.contains(from)) {
                    noticeExcluded(from, nowNs);
                }
            }
            return;
        }
        if (!view.contains(from)) {
            droppedMessages++;
            return;
        }
        if (onAnyView(from, m)) {
            return;
        }
        if (m instanceof Data d) {
            onData(from, d, nowNs);
        } else if (m instanceof Order o) {
            onOrder(from, o, nowNs);
        } else if (m instanceof Ack a) {
            onAck(from, a, nowNs);
        } else if (m instanceof Suspect s) {
            reported.put(from, new TreeSet<>(s.suspects()));
            reportedAtNs.put(from, nowNs);
        } else if (m instanceof LeaveRequest) {
            pendingLeaves.add(from);
        } else if (m instanceof PrepareOk ok) {
            onPrepareOk(from, ok, nowNs);
        } else if (m instanceof PrepareNack n) {
            onPrepareNack(n, nowNs);
        } else if (m instanceof Accept a) {
            onAccept(from, a, nowNs);
        } else if (m instanceof AcceptOk ok) {
            onAcceptOk(from, ok, nowNs);
        } else {
            droppedMessages++;
        }
    }

    /** Replies and state-transfer messages stay valid after their view ends; returns whether {@code m} was one. */
    private boolean onAnyView(MemberId from, GroupMessage m) {
        if (m instanceof Reply r) {
            onReply(from, r);
        } else if (m instanceof StateRequest r) {
            transfer.onRequest(from, r.viewId(), out::send);
        } else if (m instanceof StateAck a) {
            transfer.onAck(from, a.viewId(), a.seq(), out::send, sink::onStateAcked);
        } else if (m instanceof StateChunk c) {
            onStateChunk(from, c);
        } else {
            return false;
        }
        return true;
    }

    private void keepEarly(MemberId from, GroupMessage m) {
        if (early.size() < 1_000_000) {
            early.add(new Early(from, m));
        } else {
            droppedMessages++;
        }
    }

    private void noticeExcluded(MemberId from, long nowNs) {
        Long last = noticeSentNs.get(from);
        if (last == null || nowNs - last >= hbNs) {
            noticeSentNs.put(from, nowNs);
            out.send(from, new ViewInfo(group, view.id(), lastCommit));
        }
    }

    // ------------------------------------------------------------------ joining

    private void joinWork(long nowNs, Collection<MemberId> knownPeers) {
        if (joinStartedNs < 0) {
            return;
        }
        if (lastJoinSentNs < 0 || nowNs - lastJoinSentNs >= cfg.joinRetry().toNanos()) {
            lastJoinSentNs = nowNs;
            LOG.debug("{} {} asks {} to join", self, group, knownPeers);
            JoinRequest jr = new JoinRequest(group, 0, self);
            for (MemberId p : knownPeers) {
                if (!p.equals(self)) {
                    out.send(p, jr);
                }
            }
        }
        long joinTimeoutNs = cfg.joinTimeout().toNanos();
        if (nowNs - joinStartedNs < joinTimeoutNs) {
            return;
        }
        if (lastHeardGroupNs >= 0 && nowNs - lastHeardGroupNs < joinTimeoutNs) {
            return;
        }
        if (!mayFoundAlone && knownPeers.stream().noneMatch(p -> !p.equals(self))) {
            return;
        }
        for (MemberId p : knownPeers) {
            if (p.equals(self)) {
                continue;
            }
            Long at = noGroupAtNs.get(p);
            if (at == null || nowNs - at > joinTimeoutNs) {
                return;
            }
            if (alsoJoining.contains(p) && p.compareTo(self) < 0) {
                return;
            }
        }
        found(nowNs);
    }

    private void found(long nowNs) {
        View v = new View(1, List.of(self));
        Decision d = new Decision(0, v, null, List.of(), Map.of());
        LOG.info("{} {} founds the group: nobody answered for it", self, group);
        installAsJoiner(new Commit(group, 0, Ballot.ZERO, d), nowNs);
    }

    private void onJoinRequest(MemberId from, JoinRequest jr, long nowNs) {
        MemberId joiner = jr.joiner();
        LOG.debug("{} {} join request for {} from {} ({}, leader {})", self, group, joiner, from, status,
                status == Status.MEMBER ? leader() : null);
        if (status != Status.MEMBER) {
            if (from.equals(joiner)) {
                out.send(from, new NoGroup(group, 0, status == Status.JOINING));
            }
            return;
        }
        if (view.contains(joiner)) {
            out.send(joiner, new ViewInfo(group, view.id(), lastCommit));
            return;
        }
        for (MemberId m : view.members()) {
            if (m.node().equals(joiner.node()) && m.incarnation() < joiner.incarnation() && !m.equals(self)) {
                forcedSuspects.put(m, nowNs); // an older incarnation of the joiner is dead by definition
            }
        }
        if (from.equals(joiner)) {
            out.send(joiner, new JoinPending(group, view.id()));
        }
        if (iAmLeader()) {
            pendingJoins.add(joiner);
        } else if (from.equals(joiner)) {
            MemberId leader = leader();
            if (leader != null) {
                out.send(leader, jr);
            }
        }
    }

    // ------------------------------------------------------------------ multicast

    private void pumpSends(long nowNs) {
        while (status == Status.MEMBER && !wedged && !queued.isEmpty()
                && cd.sent() - stab.stable(rank) < cfg.sendWindow()) {
            PendingSend ps = queued.pollFirst();
            long[] vt = cd.stampNext(rank);
            long seq = vt[rank];
            boolean wantsReply = ps.mode() != ReplyMode.NONE;
            Data d = new Data(group, view.id(), rank, seq, vt, ps.ordering(), ps.safe(), wantsReply, ps.payload());
            MessageId id = new MessageId(self, view.id(), seq);
            if (rec.enabled()) {
                rec.send(group, self, id, ps.ordering(), ps.safe(), hash(ps.payload()));
            }
            if (ps.handle() != null) {
                collectors.put(id, new Collector(ps.handle(), ps.mode(), id, view));
            }
            sendToOthers(d);
            cd.receive(d);
            if (d.safe()) {
                safeWaiting++;
                ackUrgent = true;
            }
            if (sequencer != null) {
                cd.advanceReady(r -> sequence(r, nowNs));
            }
        }
        deliverReady(nowNs);
    }

    private void sequence(Data d, long nowNs) {
        if (wedged || breakage == Breakage.ORDERING) {
            return;
        }
        long pos = order.append(d.senderRank(), d.seq());
        sequencer.ordered(pos, d.senderRank(), d.seq(), nowNs);
    }

    private void onData(MemberId from, Data d, long nowNs) {
        if (d.senderRank() < 0 || d.senderRank() >= view.size() || !view.members().get(d.senderRank()).equals(from)) {
            droppedMessages++;
            return;
        }
        if (!cd.receive(d)) {
            return;
        }
        if (d.safe()) {
            safeWaiting++;
            ackUrgent = true;
        }
        if (wedged) {
            if (sequencer != null) {
                cd.advanceReady(r -> sequence(r, nowNs));
            }
            checkAcceptComplete(nowNs);
            retryPendingCommit(nowNs);
        } else {
            // Sequencing and delivery run once per pass over everything that arrived in it
            // (opportunistic batching), in endOfPass.
            arrivedThisPass = true;
        }
    }

    private void onOrder(MemberId from, Order o, long nowNs) {
        if (!from.equals(view.coordinator())) {
            droppedMessages++;
            return;
        }
        if (!order.appendBatch(o.firstPosition(), o.ranks(), o.seqs())) {
            droppedMessages++;
            return;
        }
        if (safeWaiting > 0) {
            ackUrgent = true;
        }
        deliverReady(nowNs);
    }

    private void onAck(MemberId from, Ack a, long nowNs) {
        if (a.received().length != view.size()) {
            droppedMessages++;
            return;
        }
        if (stab.update(view.rankOf(from), a.received(), a.orderKnown())) {
            afterStabilityGrew(nowNs);
        }
    }

    private void afterStabilityGrew(long nowNs) {
        long ownStable = stab.stable(rank);
        if (ownStable > ownFreed) {
            sink.onWindowFreed(ownStable - ownFreed);
            ownFreed = ownStable;
        }
        long[] stable = new long[view.size()];
        for (int k = 0; k < stable.length; k++) {
            stable[k] = stab.stable(k);
        }
        cd.free(stable);
        order.forgetTo(stab.orderStable());
        deliverReady(nowNs);
        pumpSends(nowNs);
    }

    private void deliverReady(long nowNs) {
        if (status != Status.MEMBER || wedged || quorumLost) {
            return;
        }
        if (breakage == Breakage.ORDERING) {
            deliverIgnoringOrder();
            return;
        }
        if (sequencer != null) {
            // The sequencer's ready frontier must never fall behind delivery: a message delivered
            // mid-pass (a receipt report made it deliverable) and freed once stable before the
            // frontier passed it would leave the frontier stuck on a freed slot, and no ABCAST
            // would be ordered again in this view (seen as a CBCAST phase followed by an ABCAST
            // phase that delivered nothing).
            cd.advanceReady(r -> sequence(r, nowNs));
        }
        cd.deliver(order, (k, d) -> !d.safe() || (d.seq() <= stab.stable(k)
                && (!d.abcast() || order.deliveredPos() + 1 <= stab.orderStable())), this::delivered);
    }

    /** Breakage.ORDERING: ABCASTs are delivered like CBCASTs, as soon as they are causally ready. */
    private void deliverIgnoringOrder() {
        cd.deliver(null, (k, d) -> true, this::delivered);
    }

    private void delivered(int senderRank, Data d, long position) {
        if (d.safe()) {
            safeWaiting--;
        }
        MemberId sender = view.members().get(senderRank);
        MessageId id = new MessageId(sender, view.id(), d.seq());
        if (rec.enabled()) {
            rec.deliver(group, self, id, d.ordering(), d.safe(), position, hash(d.payload()));
        }
        Delivery delivery = new Delivery(id, d.ordering(), d.safe(), position, d.payload(), d.wantsReply(), replyChannel);
        if (transfer.awaiting()) {
            deferred.add(delivery);
        } else {
            emitDelivery(delivery);
        }
        if (sender.equals(self)) {
            Collector c = collectors.get(id);
            if (c != null && c.mode == ReplyMode.NONE) {
                collectors.remove(id);
                sink.onMulticastDone(c.handle, new Replies(id, Map.of(), List.of()));
            }
        }
    }

    private void emitDelivery(Delivery d) {
        sink.onDeliver(d);
    }

    private void onReply(MemberId from, Reply r) {
        MessageId id = new MessageId(self, r.viewId(), r.seq());
        Collector c = collectors.get(id);
        if (c == null || !c.expected.contains(from) || c.replies.containsKey(from)) {
            return;
        }
        c.replies.put(from, r.payload());
        if (c.satisfied()) {
            collectors.remove(id);
            sink.onMulticastDone(c.handle, new Replies(id, c.replies, c.departed));
        }
    }

    // ------------------------------------------------------------------ view change: leader

    private MemberId leader() {
        for (MemberId m : view.members()) {
            if (!fdSuspects.contains(m) && !forcedSuspects.containsKey(m)) {
                return m;
            }
        }
        return null;
    }

    private boolean iAmLeader() {
        return self.equals(leader());
    }

    private Set<MemberId> effectiveSuspects(long nowNs) {
        // A forced suspicion (silent in a flush, or replaced by a newer incarnation) lasts one
        // flush timeout: long enough to finish a view change without it, short enough that a
        // member that was only cut off for a while is not kept out of a majority forever.
        forcedSuspects.values().removeIf(at -> nowNs - at > flushTimeoutNs);
        Set<MemberId> s = new TreeSet<>(fdSuspects);
        s.addAll(forcedSuspects.keySet());
        for (Map.Entry<MemberId, Set<MemberId>> e : reported.entrySet()) {
            Long at = reportedAtNs.get(e.getKey());
            if (at != null && nowNs - at <= timeoutNs && !s.contains(e.getKey())) {
                for (MemberId m : e.getValue()) {
                    if (view.contains(m)) {
                        s.add(m);
                    }
                }
            }
        }
        s.remove(self);
        return s;
    }

    private void maybeStartViewChange(long nowNs) {
        if (status != Status.MEMBER || round != null || !iAmLeader()) {
            return;
        }
        Set<MemberId> suspects = effectiveSuspects(nowNs);
        pendingJoins.removeIf(view::contains);
        boolean needed = !suspects.isEmpty() || !pendingJoins.isEmpty() || !pendingLeaves.isEmpty() || wedged
                || flushRequested;
        if (!needed) {
            bundleSinceNs = -1;
            return;
        }
        if (nowNs < retryAfterNs) {
            return;
        }
        if (bundleSinceNs < 0) {
            bundleSinceNs = nowNs;
        }
        if (!wedged && nowNs - bundleSinceNs < bundleNs) {
            return;
        }
        List<MemberId> participants = new ArrayList<>();
        for (MemberId m : view.members()) {
            if (!suspects.contains(m)) {
                participants.add(m);
            }
        }
        if (participants.size() <= view.size() / 2) {
            if (lastMinorityLogNs < 0 || nowNs - lastMinorityLogNs > timeoutNs * 10) {
                lastMinorityLogNs = nowNs;
                LOG.warn("{} {} cannot change view {}: only {} of {} members reachable (minority, not delivering)",
                    self, group, view.id(), participants.size(), view.size());
            }
            retryAfterNs = nowNs + hbNs;
            return;
        }
        Ballot ballot = new Ballot(Math.max(maxRoundSeen, promised.round()) + 1, rank);
        maxRoundSeen = ballot.round();
        round = new Round(ballot, participants, nowNs);
        LOG.info("{} {} starts flush of view {} with {} (suspects {}, joins {}, leaves {})",
                self, group, view.id(), ballot, suspects, pendingJoins, pendingLeaves);
        Prepare p = new Prepare(group, view.id(), ballot, participants, lastCommit);
        for (MemberId m : participants) {
            sendTo(m, p);
        }
    }

    private void onPrepareOk(MemberId from, PrepareOk ok, long nowNs) {
        if (round == null || round.phase != Phase.PREPARE || !ok.ballot().equals(round.ballot)
                || !round.participants.contains(from)) {
            return;
        }
        if (ok.received().length != view.size() || ok.delivered().length != view.size()) {
            droppedMessages++;
            return;
        }
        round.replies.put(from, ok);
        if (round.replies.keySet().containsAll(round.participants)) {
            decide(nowNs);
        }
    }

    private void onPrepareNack(PrepareNack n, long nowNs) {
        maxRoundSeen = Math.max(maxRoundSeen, n.promised().round());
        if (round != null && n.promised().above(round.ballot)) {
            LOG.info("{} {} flush {} refused (promised {}); backing off", self, group, round.ballot, n.promised());
            round = null;
            retryAfterNs = nowNs + hbNs * (1 + rank);
        }
    }

    private void decide(long nowNs) {
        Round r = round;
        PrepareOk best = null;
        for (PrepareOk ok : r.replies.values()) {
            if (ok.accepted() != null && (best == null || ok.acceptedBallot().above(best.acceptedBallot()))) {
                best = ok;
            }
        }
        boolean[] participant = new boolean[view.size()];
        for (MemberId m : r.participants) {
            participant[view.rankOf(m)] = true;
        }
        Decision d;
        if (best != null) {
            d = best.accepted();
            LOG.info("{} {} adopts the decision accepted under {}: {}", self, group, best.acceptedBallot(), d.next());
        } else {
            Cut cut = CutCalculator.compute(view.size(), r.replies.values(), participant);
            List<MemberId> leavers = new ArrayList<>();
            for (MemberId m : r.participants) {
                if (pendingLeaves.contains(m)) {
                    leavers.add(m);
                }
            }
            List<MemberId> survivors = new ArrayList<>(r.participants);
            survivors.removeAll(leavers);
            if (survivors.isEmpty() || survivors.size() * 2 <= view.size() - leavers.size()) {
                leavers.clear(); // leaving now would break the majority rule (V2): leave in a later view
                survivors = new ArrayList<>(r.participants);
            }
            List<MemberId> joiners = new ArrayList<>();
            for (MemberId j : pendingJoins) {
                if (!view.contains(j)) {
                    joiners.add(j);
                }
            }
            List<MemberId> members = new ArrayList<>(survivors);
            members.addAll(joiners);
            View next = new View(view.id() + 1, members);
            List<MemberId> donors = new ArrayList<>();
            for (MemberId m : survivors) {
                PrepareOk ok = r.replies.get(m);
                if (ok != null && !ok.awaitingState()) {
                    donors.add(m);
                }
            }
            Map<MemberId, MemberId> transfers = new LinkedHashMap<>();
            List<MemberId> receivers = new ArrayList<>();
            for (MemberId m : survivors) {
                PrepareOk ok = r.replies.get(m);
                if (ok != null && ok.awaitingState()) {
                    receivers.add(m);
                }
            }
            receivers.addAll(joiners);
            for (int i = 0; i < receivers.size() && !donors.isEmpty(); i++) {
                // Spread donors over the survivors, the leader last (it also sequences).
                transfers.put(receivers.get(i), donors.get((i + 1) % donors.size()));
            }
            d = new Decision(view.id(), next, cut, leavers, transfers);
        }
        r.decision = d;
        r.phase = Phase.ACCEPT;
        // Every participant votes (they are a majority of the view by construction), also those
        // the decision leaves out: a committed decision is then accepted by a majority at one
        // ballot, so every later leader adopts it. A vote is cast only by a member holding every
        // message of the cut, so every later majority contains a member that can supply them.
        r.acceptors.addAll(r.participants);
        List<TreeMap<Long, Data>> pool = new ArrayList<>();
        for (int k = 0; k < view.size(); k++) {
            pool.add(new TreeMap<>());
        }
        for (PrepareOk ok : r.replies.values()) {
            for (Data x : ok.absentData()) {
                pool.get(x.senderRank()).putIfAbsent(x.seq(), x);
            }
        }
        for (MemberId a : r.acceptors) {
            PrepareOk ok = r.replies.get(a);
            List<Data> missing = new ArrayList<>();
            if (breakage != Breakage.FLUSH) {
                for (int k = 0; k < view.size(); k++) {
                    // An adopted decision's cut may be below what this participant now holds.
                    if (!participant[k] && ok.received()[k] < d.cut().seqs()[k]) {
                        missing.addAll(pool.get(k).subMap(ok.received()[k], false, d.cut().seqs()[k], true).values());
                    }
                }
            }
            sendTo(a, new Accept(group, view.id(), r.ballot, d, missing));
        }
    }

    private void onAcceptOk(MemberId from, AcceptOk ok, long nowNs) {
        if (round == null || round.phase != Phase.ACCEPT || !ok.ballot().equals(round.ballot)) {
            return;
        }
        round.acceptOks.add(from);
        if (round.acceptOks.containsAll(round.acceptors)) {
            Commit c = new Commit(group, view.id(), round.ballot, round.decision);
            Set<MemberId> to = new LinkedHashSet<>(round.decision.next().members());
            to.addAll(round.decision.leavers());
            to.addAll(round.participants);
            to.remove(self);
            LOG.info("{} {} commits {}: view {} (cut {})", self, group, round.ballot, round.decision.next(), round.decision.cut());
            for (MemberId m : to) {
                out.send(m, c);
            }
            round = null;
            applyCommit(c, nowNs);
        }
    }

    // ------------------------------------------------------------------ view change: participant

    private void onPrepare(MemberId from, Prepare p, long nowNs) {
        if (status == Status.JOINING) {
            return;
        }
        if (status != Status.MEMBER) {
            return;
        }
        if (p.viewId() < view.id()) {
            out.send(from, new ViewInfo(group, view.id(), lastCommit));
            return;
        }
        if (p.viewId() > view.id()) {
            if (p.lastCommit() != null && p.lastCommit().viewId() == view.id()) {
                applyCommit(p.lastCommit(), nowNs);
            }
            if (status != Status.MEMBER || p.viewId() != view.id()) {
                return;
            }
        }
        maxRoundSeen = Math.max(maxRoundSeen, p.ballot().round());
        if (!p.participants().contains(self) || !view.contains(from)) {
            return;
        }
        if (promised.above(p.ballot())) {
            out.send(from, new PrepareNack(group, view.id(), promised));
            return;
        }
        promised = p.ballot();
        wedge(nowNs, "prepare " + p.ballot() + " from " + from);
        List<Data> absent = new ArrayList<>();
        for (int k = 0; k < view.size(); k++) {
            if (!p.participants().contains(view.members().get(k))) {
                absent.addAll(cd.heldFrom(k));
            }
        }
        PrepareOk ok = new PrepareOk(group, view.id(), p.ballot(), cd.receivedVector(), cd.deliveredVector(),
                order.deliveredPos(), order.base(), order.heldRanks(), order.heldSeqs(), absent,
                acceptedBallot, accepted, transfer.awaiting());
        sendTo(from, ok);
    }

    private void wedge(long nowNs, String why) {
        if (wedged) {
            return;
        }
        wedged = true;
        wedgedSinceNs = nowNs;
        LOG.info("{} {} wedged in view {} ({})", self, group, view.id(), why);
        if (sequencer != null) {
            Order o = sequencer.takeBatch(nowNs, 0, 1);
            if (o != null) {
                sendToOthers(o);
            }
        }
    }

    private void onAccept(MemberId from, Accept a, long nowNs) {
        maxRoundSeen = Math.max(maxRoundSeen, a.ballot().round());
        if (promised.above(a.ballot())) {
            out.send(from, new PrepareNack(group, view.id(), promised));
            return;
        }
        if (a.decision().cut() == null || a.decision().cut().seqs().length != view.size()) {
            droppedMessages++;
            return;
        }
        promised = a.ballot();
        wedge(nowNs, "accept " + a.ballot());
        pendingAcceptBallot = a.ballot();
        pendingAccept = a.decision();
        acceptFrom = from;
        for (Data d : a.missing()) {
            if (d.viewId() == view.id()) {
                cd.receive(d);
            }
        }
        checkAcceptComplete(nowNs);
    }

    /** Votes for the pending decision once this member holds every message of its cut. */
    private void checkAcceptComplete(long nowNs) {
        if (pendingAccept == null || !pendingAcceptBallot.equals(promised)) {
            return;
        }
        if (breakage == Breakage.FLUSH || cd.holdsAllUpTo(pendingAccept.cut().seqs())) {
            acceptedBallot = pendingAcceptBallot;
            accepted = pendingAccept;
            pendingAccept = null;
            sendTo(acceptFrom, new AcceptOk(group, view.id(), acceptedBallot));
        }
    }

    private void onViewInfo(ViewInfo vi, long nowNs) {
        Commit c = vi.commit();
        if (c == null) {
            return;
        }
        if (status == Status.JOINING) {
            if (c.decision().next().contains(self)) {
                installAsJoiner(c, nowNs);
            }
            return;
        }
        if (status != Status.MEMBER || c.decision().next().id() <= view.id()) {
            return;
        }
        if (c.viewId() == view.id()) {
            applyCommit(c, nowNs);
        } else {
            stop(false, "the group moved on to view " + c.decision().next().id() + " without this member");
        }
    }

    private void applyCommit(Commit c, long nowNs) {
        Decision d = c.decision();
        if (status == Status.JOINING) {
            if (d.next().contains(self)) {
                installAsJoiner(c, nowNs);
            }
            return;
        }
        if (status != Status.MEMBER || c.viewId() < view.id()) {
            return;
        }
        if (c.viewId() > view.id()) {
            if (!d.next().contains(self)) {
                stop(false, "the group moved on to view " + d.next().id() + " without this member");
            }
            return;
        }
        if (d.cut() == null || d.cut().seqs().length != view.size()) {
            droppedMessages++;
            return;
        }
        if (!d.next().contains(self) && !d.leavers().contains(self)) {
            // Not a participant of the cut: it may have delivered past it, and it delivers nothing more.
            stop(false, "excluded from view " + d.next().id());
            return;
        }
        if (breakage != Breakage.FLUSH && !cd.holdsAllUpTo(d.cut().seqs())) {
            if (pendingCommit == null) {
                pendingCommit = c;
                pendingCommitSinceNs = nowNs;
                wedge(nowNs, "commit awaiting data");
            }
            return;
        }
        pendingCommit = null;
        deliverCut(d.cut());
        if (!d.next().contains(self)) {
            boolean left = d.leavers().contains(self);
            stop(left, left ? "left the group in view " + d.next().id() : "excluded from view " + d.next().id());
            return;
        }
        install(c, nowNs);
    }

    private void retryPendingCommit(long nowNs) {
        if (pendingCommit == null) {
            return;
        }
        if (cd.holdsAllUpTo(pendingCommit.decision().cut().seqs())) {
            Commit c = pendingCommit;
            pendingCommit = null;
            applyCommit(c, nowNs);
        } else if (nowNs - pendingCommitSinceNs > flushTimeoutNs) {
            stop(false, "committed cut of view " + view.id() + " not obtainable");
        }
    }

    private void deliverCut(Cut cut) {
        long[] seqs = cut.seqs().clone();
        if (breakage == Breakage.FLUSH) {
            for (int k = 0; k < seqs.length; k++) {
                seqs[k] = Math.min(seqs[k], cd.received(k));
            }
        }
        order.replaceUndelivered(cut.orderBase() + 1, cut.orderRanks(), cut.orderSeqs());
        Set<Long> ordered = new HashSet<>();
        for (long pos = order.deliveredPos() + 1; pos <= order.known(); pos++) {
            ordered.add(key(order.rankAt(pos), order.seqAt(pos)));
        }
        List<Data> leftovers = new ArrayList<>();
        for (int k = 0; k < seqs.length; k++) {
            for (long s = cd.delivered(k) + 1; s <= seqs[k]; s++) {
                Data x = cd.held(k, s);
                if (x != null && x.abcast() && !ordered.contains(key(k, s))) {
                    leftovers.add(x);
                }
            }
        }
        for (Data x : CutCalculator.orderLeftovers(leftovers)) {
            order.append(x.senderRank(), x.seq());
        }
        cd.deliver(order, (k, x) -> x.seq() <= seqs[k], this::delivered);
        for (int k = 0; k < seqs.length; k++) {
            if (cd.delivered(k) != seqs[k] && breakage == Breakage.NONE) {
                throw new IllegalStateException(self + " " + group + ": flush of view " + view.id()
                        + " delivered " + cd.delivered(k) + " of rank " + k + ", cut says " + seqs[k]);
            }
        }
    }

    private static long key(int rank, long seq) {
        return ((long) rank << 40) ^ seq;
    }

    // ------------------------------------------------------------------ installing views

    private void installAsJoiner(Commit c, long nowNs) {
        status = Status.MEMBER;
        Decision d = c.decision();
        setView(d.next(), c, nowNs);
        List<MemberId> joined = new ArrayList<>();
        joined.add(self);
        for (MemberId m : d.transfers().keySet()) {
            if (!m.equals(self)) {
                joined.add(m);
            }
        }
        sink.onView(new ViewChange(view, joined, List.of(), List.of()));
        MemberId donor = d.transfers().get(self);
        if (donor != null) {
            beginAwaitingState(donor, nowNs);
        }
        afterInstall(nowNs);
    }

    private void install(Commit c, long nowNs) {
        View prev = view;
        Decision d = c.decision();
        setView(d.next(), c, nowNs);
        List<MemberId> joined = new ArrayList<>();
        for (MemberId m : view.members()) {
            if (!prev.contains(m)) {
                joined.add(m);
            }
        }
        List<MemberId> failed = new ArrayList<>();
        for (MemberId m : prev.members()) {
            if (!view.contains(m) && !d.leavers().contains(m)) {
                failed.add(m);
            }
        }
        ViewChange vc = new ViewChange(view, joined, d.leavers(), failed);
        if (transfer.awaiting()) {
            deferred.add(vc);
        } else {
            sink.onView(vc);
        }
        for (MessageId id : new ArrayList<>(collectors.keySet())) {
            Collector col = collectors.get(id);
            for (MemberId m : new ArrayList<>(col.expected)) {
                if (!view.contains(m) && !col.replies.containsKey(m)) {
                    col.expected.remove(m);
                    col.departed.add(m);
                }
            }
            if (col.satisfied()) {
                collectors.remove(id);
                sink.onMulticastDone(col.handle, new Replies(id, col.replies, col.departed));
            }
        }
        for (Map.Entry<MemberId, MemberId> t : d.transfers().entrySet()) {
            if (t.getValue().equals(self)) {
                LOG.info("{} {} gives state to {} as of view {}", self, group, t.getKey(), view.id());
                transfer.startDonating(t.getKey(), view.id());
                sink.onGetState(t.getKey(), view.id());
            } else if (t.getKey().equals(self)) {
                beginAwaitingState(t.getValue(), nowNs);
            }
        }
        afterInstall(nowNs);
    }

    private void beginAwaitingState(MemberId donor, long nowNs) {
        LOG.info("{} {} awaits state from {} as of view {}", self, group, donor, view.id());
        for (Object o : deferred) {
            // Held deliveries of an earlier transfer are dropped (the new state contains them);
            // a sender waiting for this member's reply gets the empty one, as for any delivery
            // the application did not answer, instead of waiting for ever.
            if (o instanceof Delivery d && d.wantsReply()) {
                reply(d.id(), new byte[0]);
            }
        }
        deferred.clear();
        transfer.await(donor, view.id());
        sink.onSetStateBegin(view.id());
        out.send(donor, new StateRequest(group, view.id()));
    }

    private void onStateChunk(MemberId from, StateChunk c) {
        if (transfer.accept(from, c)) {
            sink.onStateChunk(c.viewId(), c.seq(), c.bytes(), c.last());
        }
    }

    private void setView(View next, Commit c, long nowNs) {
        if (cd != null && cd.sent() > ownFreed) {
            sink.onWindowFreed(cd.sent() - ownFreed); // the old view's own messages are all settled
        }
        ownFreed = 0;
        view = next;
        rank = next.rankOf(self);
        lastCommit = c;
        int n = next.size();
        cd = new CausalDelivery(n);
        order = new OrderLog();
        stab = new Stability(n);
        sequencer = rank == 0 ? new Sequencer(group, next.id()) : null;
        wedged = false;
        promised = Ballot.ZERO;
        acceptedBallot = null;
        accepted = null;
        acceptFrom = null;
        pendingAccept = null;
        pendingAcceptBallot = null;
        pendingCommit = null;
        round = null;
        retryAfterNs = 0;
        bundleSinceNs = -1;
        maxRoundSeen = 0;
        pendingJoins.removeIf(next::contains);
        pendingLeaves.retainAll(next.members());
        forcedSuspects.keySet().retainAll(next.members());
        reported.clear();
        reportedAtNs.clear();
        fdSuspects = Set.of();
        quorumLost = false;
        flushRequested = false;
        lastAckNs = -1;
        safeWaiting = 0;
        ackUrgent = false;
        lastAckVector = null;
        lastAckOrder = -1;
        for (MemberId gone : transfer.retainJoiners(next.members())) {
            sink.onStateAborted(gone);
        }
        rec.install(group, self, next);
        LOG.info("{} {} installed {}", self, group, next);
    }

    private void afterInstall(long nowNs) {
        if (leaving && !pendingLeaves.contains(self)) {
            pendingLeaves.add(self);
            for (MemberId m : view.members()) {
                if (!m.equals(self)) {
                    out.send(m, new LeaveRequest(group, view.id()));
                }
            }
        }
        pumpSends(nowNs);
        if (!early.isEmpty()) {
            List<Early> replay = new ArrayList<>();
            for (java.util.Iterator<Early> it = early.iterator(); it.hasNext(); ) {
                Early e = it.next();
                if (e.message().viewId() <= view.id()) {
                    it.remove();
                    if (e.message().viewId() == view.id()) {
                        replay.add(e);
                    }
                }
            }
            for (Early e : replay) {
                handle(e.from(), e.message(), nowNs);
            }
        }
    }

    private void stop(boolean left, String why) {
        if (status == Status.LEFT || status == Status.EXCLUDED) {
            return;
        }
        status = left ? Status.LEFT : Status.EXCLUDED;
        LOG.info("{} {} stops: {}", self, group, why);
        rec.stopped(group, self, why);
        for (Collector c : collectors.values()) {
            sink.onMulticastFailed(c.handle, why);
        }
        collectors.clear();
        for (PendingSend ps : queued) {
            if (ps.handle() != null) {
                sink.onMulticastFailed(ps.handle(), why);
            }
        }
        queued.clear();
        early.clear();
        round = null;
        sink.onStopped(left, why);
    }

    /** A cheap 64-bit hash of a payload (FNV-1a), for history records. */
    public static long hash(byte[] payload) {
        long h = 0xcbf29ce484222325L;
        for (byte b : payload) {
            h ^= b;
            h *= 0x100000001b3L;
        }
        return h;
    }
}
