package org.backplane.vsync.check;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.backplane.vsync.api.MemberId;
import org.backplane.vsync.api.MessageId;
import org.backplane.vsync.api.Ordering;
import org.backplane.vsync.api.View;
import org.backplane.vsync.check.HistoryEvent.Kind;

/**
 * Evaluates GUARANTEES.md V1-V11 over a recorded history, group by group, and reports each
 * violation with the shortest excerpt of the history that shows it. Independent of the engine's
 * internals: it trusts only the events (install, send, deliver, leave, stop, crash, state given
 * and set), derives happens-before itself from per-process event order, and checks sets and
 * sequences. How each property is read:
 *
 * <ul>
 * <li>V1: one member list per view id; each process installs increasing ids. A group whose
 *     members all failed may be founded anew (view ids start over): each such instance is
 *     checked as a group of its own, and an older instance must have lost its primary by then
 *     (else it is a split brain, reported as V2).</li>
 * <li>V2: every installed view but the first keeps more than half of its predecessor's members,
 *     not counting members that asked to leave and are gone (PROTOCOL-NOTES P4).</li>
 * <li>V3: installs only views that contain the installer; a process dropped from the chain
 *     installs no later view and delivers no message of one. A process that lost the majority of
 *     its view (it records {@code QUORUM_LOST}) delivers nothing until it regains it or installs
 *     the next view (only the agreed cut of a committed flush may come right before that install).</li>
 * <li>V4: each delivery happens in the view the message was sent in.</li>
 * <li>V5: processes that install a view and its successor delivered the same set in it; a safe
 *     message delivered by anyone in a view is delivered by every such survivor.</li>
 * <li>V6: no process delivers a message twice, or one that was not sent (same payload hash).</li>
 * <li>V7: a message a survivor of a view sent in it reaches every survivor; at a quiescent end,
 *     every live process is in the last view and has delivered every message its live members
 *     sent in it. That liveness half is waived when the primary was lost: at a quiescent end no
 *     majority of the last view is alive (its other members crashed, so no view can ever follow it,
 *     PROTOCOL-NOTES §4.2); then every live member of that view must instead have said it lost its
 *     majority ({@code QUORUM_LOST}, not regained), and {@link Result#primaryLost()} tells the caller.</li>
 * <li>V8: per receiver and sender, deliveries in a view are the sender's sends, in send order,
 *     without skips.</li>
 * <li>V9: if send(m1) happens before send(m2) (same view), whoever delivers m2 has delivered
 *     m1 first (or never delivers m1).</li>
 * <li>V10: survivors of a view deliver its ABCASTs in one relative order; a process that did not
 *     survive the view agrees with them on safe ABCASTs (non-safe delivery is the "agreed",
 *     non-uniform service: a process that fails may have seen an order the survivors never knew,
 *     PROTOCOL-NOTES §2.4).</li>
 * <li>V11: a joiner's state digest equals the digest its donor handed over, which equals the
 *     digest of exactly the donor's deliveries before the joining view.</li>
 * </ul>
 */
public final class HistoryChecker {

    /** One broken guarantee. */
    public record Violation(String property, String description, List<HistoryEvent> excerpt) {

        /** A readable block: the property, what broke, the excerpt. */
        public String describe() {
            StringBuilder b = new StringBuilder(property).append(": ").append(description).append('\n');
            for (HistoryEvent e : excerpt) {
                b.append("    ").append(e).append('\n');
            }
            return b.toString();
        }
    }

    /** The outcome of a check. */
    public record Result(int groups, int instances, int processes, int views, long sends, long deliveries,
                         List<Violation> violations, boolean primaryLost) {

        /** Whether some group died entirely (every member failed) and was founded anew. */
        public boolean refounded() {
            return instances > groups;
        }

        /** Whether no guarantee was broken. */
        public boolean ok() {
            return violations.isEmpty();
        }

        /** A report naming the seed to rerun with, and every violation with its excerpt. */
        public String describe(String seedNote) {
            if (ok()) {
                return "history ok: " + groups + " group(s)" + (refounded() ? " in " + instances + " instances" : "") + ", "
                        + processes + " processes, " + views + " views, " + sends + " sends, " + deliveries + " deliveries"
                        + (primaryLost ? ", primary lost" : "");
            }
            StringBuilder b = new StringBuilder(violations.size() + " violation(s); rerun with " + seedNote + "\n");
            for (Violation v : violations) {
                b.append(v.describe());
            }
            return b.toString();
        }
    }

    /** The digest contribution of one delivered message to a state, as the test applications compute it. */
    public static long digestOf(MessageId id) {
        long h = id.sender().node().hashCode() * 0x9E3779B97F4A7C15L;
        h ^= id.sender().incarnation() * 0xC2B2AE3D27D4EB4FL;
        h ^= id.viewId() * 0x165667B19E3779F9L;
        h ^= id.seq() * 0x27D4EB2F165667C5L;
        h ^= h >>> 31;
        h *= 0x94D049BB133111EBL;
        return h ^ (h >>> 29);
    }

    private static final int MAX_VIOLATIONS_PER_KIND = 3;
    private static final int MAX_EXCERPT = 24;

    private final boolean quiescentEnd;

    /**
     * @param quiescentEnd whether the run ended with every fault healed and enough quiet time for
     *                     the group to settle (enables the liveness half of V7)
     */
    public HistoryChecker(boolean quiescentEnd) {
        this.quiescentEnd = quiescentEnd;
    }

    /** Checks every group in the history. */
    public Result check(Collection<HistoryEvent> events) {
        Map<String, List<HistoryEvent>> byGroup = new TreeMap<>();
        Set<MemberId> crashed = new HashSet<>();
        List<HistoryEvent> crashes = new ArrayList<>();
        for (HistoryEvent e : events) {
            if (e.kind() == Kind.CRASH) {
                crashed.add(e.process());
                crashes.add(e);
            } else if (e.group() != null) {
                byGroup.computeIfAbsent(e.group(), g -> new ArrayList<>()).add(e);
            }
        }
        List<Violation> all = new ArrayList<>();
        int processes = 0;
        int views = 0;
        long sends = 0;
        long deliveries = 0;
        boolean primaryLost = false;
        int instances = 0;
        for (Map.Entry<String, List<HistoryEvent>> g : byGroup.entrySet()) {
            List<List<HistoryEvent>> split = instances(g.getValue());
            for (int i = 0; i < split.size(); i++) {
                List<HistoryEvent> evs = new ArrayList<>(split.get(i));
                evs.addAll(crashes);
                evs.sort((a, b) -> Long.compare(a.seq(), b.seq()));
                String name = i == 0 ? g.getKey() : g.getKey() + " (founded anew, instance " + (i + 1) + ")";
                GroupCheck c = new GroupCheck(name, evs, crashed, i == split.size() - 1);
                c.run();
                all.addAll(c.violations);
                processes += c.procs.size();
                views += c.viewById.size();
                sends += c.sendOf.size();
                deliveries += c.deliveryCount;
                if (i == split.size() - 1) {
                    primaryLost |= c.primaryLost;
                }
            }
            instances += split.size();
        }
        return new Result(byGroup.size(), instances, processes, views, sends, deliveries, all, primaryLost);
    }

    /**
     * Splits one group's events by group instance. A group whose members have all failed is
     * founded anew by the next process that asks for it (its first view is {@code v1[itself]}),
     * and view ids start over: each instance is checked as a group of its own. A process belongs
     * to the instance it founded, or to that of the members of the first view it installed (a
     * process joins a group once: it comes back only as a new incarnation). Events of processes
     * that never installed a view go with the last instance.
     */
    private static List<List<HistoryEvent>> instances(List<HistoryEvent> events) {
        Map<MemberId, Integer> instanceOf = new HashMap<>();
        int count = 0;
        for (HistoryEvent e : events) {
            if (e.kind() != Kind.INSTALL || instanceOf.containsKey(e.process())) {
                continue;
            }
            View v = e.view();
            if (v.id() == 1 && v.members().equals(List.of(e.process()))) {
                instanceOf.put(e.process(), count++);
                continue;
            }
            Integer found = null;
            for (MemberId m : v.members()) {
                Integer i = instanceOf.get(m);
                if (!m.equals(e.process()) && i != null && (found == null || i > found)) {
                    found = i;
                }
            }
            instanceOf.put(e.process(), found != null ? found : Math.max(0, count - 1));
        }
        List<List<HistoryEvent>> out = new ArrayList<>();
        for (int i = 0; i < Math.max(1, count); i++) {
            out.add(new ArrayList<>());
        }
        for (HistoryEvent e : events) {
            out.get(instanceOf.getOrDefault(e.process(), out.size() - 1)).add(e);
        }
        return out;
    }

    private final class GroupCheck {
        final String group;
        final List<HistoryEvent> events;
        final Set<MemberId> crashed;
        final List<Violation> violations = new ArrayList<>();
        final Map<String, Integer> perKind = new HashMap<>();
        final Map<MemberId, List<HistoryEvent>> procs = new LinkedHashMap<>();
        final TreeMap<Long, View> viewById = new TreeMap<>();
        final Map<Long, HistoryEvent> firstInstall = new HashMap<>();
        final Map<MessageId, HistoryEvent> sendOf = new HashMap<>();
        final Map<MemberId, Map<Long, List<HistoryEvent>>> sendsByProcView = new HashMap<>();
        final Map<MemberId, Map<Long, List<HistoryEvent>>> delivByProcView = new HashMap<>();
        final Map<MemberId, List<Long>> installsOf = new HashMap<>();
        final Set<MemberId> leavers = new HashSet<>();
        final Set<MemberId> stopped = new HashSet<>();
        final boolean newest;
        long deliveryCount;
        boolean primaryLost;

        GroupCheck(String group, List<HistoryEvent> events, Set<MemberId> crashed, boolean newest) {
            this.newest = newest;
            this.group = group;
            this.events = events;
            this.crashed = crashed;
        }

        void violation(String property, String description, Collection<HistoryEvent> excerpt) {
            int n = perKind.merge(property, 1, Integer::sum);
            if (n > MAX_VIOLATIONS_PER_KIND) {
                return;
            }
            List<HistoryEvent> ex = new ArrayList<>(new TreeSet<>(
                    java.util.Comparator.comparingLong(HistoryEvent::seq)) {{
                    addAll(excerpt);
                }});
            if (ex.size() > MAX_EXCERPT) {
                ex = new ArrayList<>(ex.subList(0, MAX_EXCERPT / 2));
                List<HistoryEvent> tail = new ArrayList<>(excerpt);
                tail.sort(java.util.Comparator.comparingLong(HistoryEvent::seq));
                ex.addAll(tail.subList(tail.size() - MAX_EXCERPT / 2, tail.size()));
            }
            violations.add(new Violation(property, "group " + group + ": " + description, ex));
        }

        void run() {
            index();
            checkViews();
            checkDeliveries();
            checkMinorityStops();
            checkSameSet();
            checkCausal();
            checkTotalOrder();
            checkValidity();
            checkState();
        }

        void index() {
            for (HistoryEvent e : events) {
                if (e.kind() == Kind.CRASH && !procs.containsKey(e.process())) {
                    continue;
                }
                procs.computeIfAbsent(e.process(), p -> new ArrayList<>()).add(e);
                switch (e.kind()) {
                    case INSTALL -> {
                        View known = viewById.putIfAbsent(e.view().id(), e.view());
                        firstInstall.putIfAbsent(e.view().id(), e);
                        if (known != null && !known.members().equals(e.view().members())) {
                            violation("V1", "view " + e.view().id() + " installed with two member lists",
                                    List.of(firstInstall.get(e.view().id()), e));
                        }
                        installsOf.computeIfAbsent(e.process(), p -> new ArrayList<>()).add(e.view().id());
                    }
                    case SEND -> {
                        sendsByProcView.computeIfAbsent(e.process(), x -> new HashMap<>())
                                .computeIfAbsent(e.id().viewId(), x -> new ArrayList<>()).add(e);
                        HistoryEvent prev = sendOf.putIfAbsent(e.id(), e);
                        if (prev != null) {
                            violation("V6", "message id " + e.id() + " sent twice", List.of(prev, e));
                        }
                    }
                    case LEAVE -> leavers.add(e.process());
                    case STOPPED -> stopped.add(e.process());
                    default -> {
                    }
                }
            }
        }

        View viewOf(long id) {
            return viewById.get(id);
        }

        /** The view id after {@code id} in the chain, or -1. */
        long nextId(long id) {
            Long k = viewById.higherKey(id);
            return k == null ? -1 : k;
        }

        boolean survives(MemberId p, long viewId) {
            List<Long> ins = installsOf.getOrDefault(p, List.of());
            int i = java.util.Collections.binarySearch(ins, viewId);
            long next = nextId(viewId);
            return i >= 0 && i + 1 < ins.size() && ins.get(i + 1) == next;
        }

        boolean aliveAtEnd(MemberId p) {
            return !crashed.contains(p) && !stopped.contains(p);
        }

        void checkViews() {
            for (Map.Entry<MemberId, List<HistoryEvent>> e : procs.entrySet()) {
                long last = 0;
                HistoryEvent lastEv = null;
                for (HistoryEvent ev : e.getValue()) {
                    if (ev.kind() != Kind.INSTALL) {
                        continue;
                    }
                    if (!ev.view().contains(e.getKey())) {
                        violation("V3", e.getKey() + " installed a view it is not in", List.of(ev));
                    }
                    if (ev.view().id() <= last) {
                        violation("V1", e.getKey() + " installed view " + ev.view().id() + " after view " + last,
                                List.of(lastEv, ev));
                    }
                    last = ev.view().id();
                    lastEv = ev;
                }
            }
            Long prevId = null;
            for (View v : viewById.values()) {
                if (prevId != null) {
                    View prev = viewById.get(prevId);
                    long kept = prev.members().stream().filter(v::contains).count();
                    long departed = prev.members().stream().filter(m -> !v.contains(m) && leavers.contains(m)).count();
                    if (kept * 2 <= prev.size() - departed) {
                        violation("V2", "view " + v.id() + " keeps " + kept + " of the " + prev.size()
                                + " members of view " + prev.id() + " (" + departed + " left cleanly)",
                                List.of(firstInstall.get(prev.id()), firstInstall.get(v.id())));
                    }
                    // V3: a member dropped here installs and delivers nothing of this view or later.
                    for (MemberId gone : prev.members()) {
                        if (v.contains(gone)) {
                            continue;
                        }
                        for (HistoryEvent ev : procs.getOrDefault(gone, List.of())) {
                            boolean late = (ev.kind() == Kind.INSTALL && ev.view().id() >= v.id())
                                    || (ev.kind() == Kind.DELIVER && ev.id().viewId() >= v.id());
                            if (late) {
                                violation("V3", gone + " was dropped in view " + v.id() + " but went on",
                                        List.of(firstInstall.get(v.id()), ev));
                                break;
                            }
                        }
                    }
                }
                prevId = v.id();
            }
        }

        void checkDeliveries() {
            for (Map.Entry<MemberId, List<HistoryEvent>> e : procs.entrySet()) {
                MemberId p = e.getKey();
                long current = 0;
                HistoryEvent currentInstall = null;
                Set<MessageId> seen = new HashSet<>();
                Map<MemberId, Map<Long, Long>> lastSeqFrom = new HashMap<>();
                Map<Long, List<HistoryEvent>> byView = new TreeMap<>();
                delivByProcView.put(p, byView);
                for (HistoryEvent ev : e.getValue()) {
                    if (ev.kind() == Kind.INSTALL) {
                        current = ev.view().id();
                        currentInstall = ev;
                        continue;
                    }
                    if (ev.kind() != Kind.DELIVER) {
                        continue;
                    }
                    deliveryCount++;
                    MessageId id = ev.id();
                    byView.computeIfAbsent(id.viewId(), k -> new ArrayList<>()).add(ev);
                    HistoryEvent send = sendOf.get(id);
                    if (!seen.add(id)) {
                        violation("V6", p + " delivered " + id + " twice", List.of(ev));
                    }
                    if (send == null) {
                        violation("V6", p + " delivered " + id + ", which was never sent", List.of(ev));
                    } else if (send.hash() != ev.hash() || send.ordering() != ev.ordering()) {
                        violation("V6", p + " delivered " + id + " with another payload or ordering than sent",
                                List.of(send, ev));
                    }
                    if (id.viewId() != current) {
                        List<HistoryEvent> ex = new ArrayList<>();
                        if (currentInstall != null) {
                            ex.add(currentInstall);
                        }
                        if (send != null) {
                            ex.add(send);
                        }
                        ex.add(ev);
                        violation("V4", p + " delivered " + id + " (sent in view " + id.viewId() + ") in view " + current, ex);
                    }
                    long last = lastSeqFrom.computeIfAbsent(id.sender(), s -> new HashMap<>()).getOrDefault(id.viewId(), 0L);
                    if (id.seq() != last + 1) {
                        List<HistoryEvent> ex = new ArrayList<>();
                        ex.add(ev);
                        MessageId missing = new MessageId(id.sender(), id.viewId(), last + 1);
                        if (sendOf.containsKey(missing)) {
                            ex.add(sendOf.get(missing));
                        }
                        if (send != null) {
                            ex.add(send);
                        }
                        violation("V8", p + " delivered " + id + " after " + last + " from that sender in that view", ex);
                    }
                    lastSeqFrom.get(id.sender()).put(id.viewId(), Math.max(last, id.seq()));
                }
            }
        }

        /**
         * V3, the minority half: after {@code QUORUM_LOST} a process delivers nothing until
         * {@code QUORUM_REGAINED}, except a committed flush's cut, which is delivered in one step
         * right before the next view is installed (or the process leaves with it).
         */
        void checkMinorityStops() {
            for (Map.Entry<MemberId, List<HistoryEvent>> e : procs.entrySet()) {
                boolean lost = false;
                HistoryEvent lostAt = null;
                List<HistoryEvent> pending = new ArrayList<>();
                for (HistoryEvent ev : e.getValue()) {
                    switch (ev.kind()) {
                        case QUORUM_LOST -> {
                            lost = true;
                            lostAt = ev;
                        }
                        case QUORUM_REGAINED -> lost = false;
                        case DELIVER -> {
                            if (lost) {
                                pending.add(ev);
                                continue;
                            }
                        }
                        case INSTALL, STOPPED -> {
                            lost = false;
                            pending.clear();
                        }
                        default -> {
                        }
                    }
                    if (!pending.isEmpty()) {
                        break;
                    }
                }
                if (!pending.isEmpty()) {
                    List<HistoryEvent> ex = new ArrayList<>();
                    ex.add(lostAt);
                    ex.addAll(pending.subList(0, Math.min(3, pending.size())));
                    violation("V3", e.getKey() + " delivered " + pending.get(0).id() + " after it lost the majority of its view",
                            ex);
                }
            }
        }

        final Map<MemberId, Map<Long, Set<MessageId>>> deliveredCache = new HashMap<>();

        Set<MessageId> delivered(MemberId p, long viewId) {
            return deliveredCache.computeIfAbsent(p, x -> new HashMap<>()).computeIfAbsent(viewId, v ->
                    delivByProcView.getOrDefault(p, Map.of()).getOrDefault(v, List.of()).stream()
                            .map(HistoryEvent::id).collect(Collectors.toCollection(LinkedHashSet::new)));
        }

        List<MemberId> survivorsOf(long viewId) {
            List<MemberId> s = new ArrayList<>();
            View v = viewById.get(viewId);
            for (MemberId m : v.members()) {
                if (survives(m, viewId)) {
                    s.add(m);
                }
            }
            return s;
        }

        void checkSameSet() {
            for (long vid : viewById.keySet()) {
                List<MemberId> surv = survivorsOf(vid);
                if (surv.isEmpty()) {
                    continue;
                }
                MemberId ref = surv.get(0);
                Set<MessageId> refSet = delivered(ref, vid);
                for (MemberId q : surv.subList(1, surv.size())) {
                    Set<MessageId> qs = delivered(q, vid);
                    if (!qs.equals(refSet)) {
                        Set<MessageId> onlyRef = new LinkedHashSet<>(refSet);
                        onlyRef.removeAll(qs);
                        Set<MessageId> onlyQ = new LinkedHashSet<>(qs);
                        onlyQ.removeAll(refSet);
                        List<HistoryEvent> ex = new ArrayList<>();
                        ex.add(firstInstall.get(vid));
                        ex.add(firstInstall.get(nextId(vid)));
                        for (MessageId m : limit(onlyRef)) {
                            addSendAndDeliveries(ex, m, vid, List.of(ref, q));
                        }
                        for (MessageId m : limit(onlyQ)) {
                            addSendAndDeliveries(ex, m, vid, List.of(ref, q));
                        }
                        violation("V5", ref + " and " + q + " both survived view " + vid + " but " + ref
                                + " alone delivered " + limit(onlyRef) + " and " + q + " alone " + limit(onlyQ), ex);
                    }
                }
                // Uniform delivery of safe messages: anyone's safe delivery in vid reaches every survivor.
                for (MemberId r : viewById.get(vid).members()) {
                    for (HistoryEvent d : delivByProcView.getOrDefault(r, Map.of()).getOrDefault(vid, List.of())) {
                        if (d.safe() && !refSet.contains(d.id())) {
                            List<HistoryEvent> ex = new ArrayList<>();
                            addSendAndDeliveries(ex, d.id(), vid, List.of(r, ref));
                            ex.add(firstInstall.get(nextId(vid)));
                            violation("V5", r + " delivered safe " + d.id() + " in view " + vid
                                    + " but survivor " + ref + " did not", ex);
                        }
                    }
                }
            }
        }

        List<MessageId> limit(Set<MessageId> s) {
            return s.stream().limit(3).toList();
        }

        void addSendAndDeliveries(List<HistoryEvent> ex, MessageId m, long vid, List<MemberId> at) {
            if (sendOf.containsKey(m)) {
                ex.add(sendOf.get(m));
            }
            for (MemberId p : at) {
                for (HistoryEvent d : delivByProcView.getOrDefault(p, Map.of()).getOrDefault(vid, List.of())) {
                    if (d.id().equals(m)) {
                        ex.add(d);
                    }
                }
            }
        }

        /** Rank of each member in each view, for vector-indexed bookkeeping. */
        final Map<Long, Map<MemberId, Integer>> rankIn = new HashMap<>();

        int rank(MemberId m, long viewId) {
            Map<MemberId, Integer> r = rankIn.computeIfAbsent(viewId, v -> {
                Map<MemberId, Integer> x = new HashMap<>();
                View view = viewById.get(v);
                if (view != null) {
                    for (int i = 0; i < view.size(); i++) {
                        x.put(view.members().get(i), i);
                    }
                }
                return x;
            });
            Integer i = r.get(m);
            return i == null ? -1 : i;
        }

        int width(long viewId) {
            View v = viewById.get(viewId);
            return v == null ? 0 : v.size();
        }

        void checkCausal() {
            // Pass A: each send's causal past in its view, as a vector over the view's ranks (the
            // highest seq of each sender in the past). A process's past grows with what it sends
            // and delivers; processes are advanced round-robin so a delivery is taken only after
            // its send was.
            Map<MessageId, long[]> pastOf = new HashMap<>();
            Map<MemberId, Integer> cursor = new HashMap<>();
            Map<MemberId, Map<Long, long[]>> pv = new HashMap<>();
            List<MemberId> ps = new ArrayList<>(procs.keySet());
            boolean progress = true;
            while (progress) {
                progress = false;
                for (MemberId p : ps) {
                    List<HistoryEvent> evs = procs.get(p);
                    int i = cursor.getOrDefault(p, 0);
                    while (i < evs.size()) {
                        HistoryEvent ev = evs.get(i);
                        if (ev.kind() == Kind.SEND) {
                            long vid = ev.id().viewId();
                            int r = rank(p, vid);
                            if (r >= 0) {
                                long[] mine = pv.computeIfAbsent(p, x -> new HashMap<>()).computeIfAbsent(vid, x -> new long[width(vid)]);
                                pastOf.put(ev.id(), mine.clone());
                                mine[r] = Math.max(mine[r], ev.id().seq());
                            }
                        } else if (ev.kind() == Kind.DELIVER && sendOf.containsKey(ev.id())) {
                            long[] past = pastOf.get(ev.id());
                            long vid = ev.id().viewId();
                            int r = rank(ev.id().sender(), vid);
                            if (r >= 0) {
                                if (past == null) {
                                    break; // its send is not processed yet
                                }
                                long[] mine = pv.computeIfAbsent(p, x -> new HashMap<>()).computeIfAbsent(vid, x -> new long[width(vid)]);
                                for (int k = 0; k < mine.length; k++) {
                                    mine[k] = Math.max(mine[k], past[k]);
                                }
                                mine[r] = Math.max(mine[r], ev.id().seq());
                            }
                        }
                        i++;
                        progress = true;
                    }
                    cursor.put(p, i);
                }
            }
            // Pass B: at each delivery of m2, everything before m2 that this process ever delivers was delivered.
            for (MemberId q : ps) {
                Map<Long, long[]> finalCount = new HashMap<>();
                for (HistoryEvent ev : procs.get(q)) {
                    if (ev.kind() == Kind.DELIVER) {
                        long vid = ev.id().viewId();
                        int r = rank(ev.id().sender(), vid);
                        if (r >= 0) {
                            long[] f = finalCount.computeIfAbsent(vid, x -> new long[width(vid)]);
                            f[r] = Math.max(f[r], ev.id().seq());
                        }
                    }
                }
                Map<Long, long[]> count = new HashMap<>();
                for (HistoryEvent ev : procs.get(q)) {
                    if (ev.kind() != Kind.DELIVER) {
                        continue;
                    }
                    long vid = ev.id().viewId();
                    int sr = rank(ev.id().sender(), vid);
                    if (sr < 0) {
                        continue;
                    }
                    long[] have = count.computeIfAbsent(vid, x -> new long[width(vid)]);
                    long[] past = pastOf.get(ev.id());
                    if (past != null) {
                        long[] fin = finalCount.get(vid);
                        for (int k = 0; k < past.length; k++) {
                            long need = Math.min(past[k], fin[k]);
                            if (k != sr && have[k] < need) {
                                MemberId s = viewById.get(vid).members().get(k);
                                MessageId m1 = new MessageId(s, vid, have[k] + 1);
                                List<HistoryEvent> ex = new ArrayList<>();
                                if (sendOf.containsKey(m1)) {
                                    ex.add(sendOf.get(m1));
                                }
                                ex.add(sendOf.get(ev.id()));
                                ex.add(ev);
                                for (HistoryEvent d : procs.get(q)) {
                                    if (d.kind() == Kind.DELIVER && d.id().equals(m1)) {
                                        ex.add(d);
                                    }
                                }
                                violation("V9", q + " delivered " + ev.id() + " before its causal predecessor " + m1, ex);
                                break;
                            }
                        }
                    }
                    have[sr] = Math.max(have[sr], ev.id().seq());
                }
            }
        }

        void checkTotalOrder() {
            for (long vid : viewById.keySet()) {
                List<MemberId> surv = new ArrayList<>(survivorsOf(vid));
                if (nextId(vid) < 0) {
                    for (MemberId m : viewById.get(vid).members()) {
                        if (aliveAtEnd(m) && installsOf.getOrDefault(m, List.of()).contains(vid)) {
                            surv.add(m);
                        }
                    }
                }
                List<MemberId> members = viewById.get(vid).members();
                for (int i = 0; i < members.size(); i++) {
                    for (int j = i + 1; j < members.size(); j++) {
                        MemberId p = members.get(i);
                        MemberId q = members.get(j);
                        boolean both = surv.contains(p) && surv.contains(q);
                        compareOrder(p, q, vid, !both);
                    }
                }
            }
        }

        void compareOrder(MemberId p, MemberId q, long vid, boolean safeOnly) {
            List<HistoryEvent> dp = abcasts(p, vid, safeOnly);
            List<HistoryEvent> dq = abcasts(q, vid, safeOnly);
            if (dp.isEmpty() || dq.isEmpty()) {
                return;
            }
            Map<MessageId, Integer> posQ = new HashMap<>();
            for (int i = 0; i < dq.size(); i++) {
                posQ.put(dq.get(i).id(), i);
            }
            HistoryEvent prevP = null;
            int prevQ = -1;
            for (HistoryEvent e : dp) {
                Integer iq = posQ.get(e.id());
                if (iq == null) {
                    continue;
                }
                if (iq < prevQ) {
                    HistoryEvent qPrev = dq.get(prevQ);
                    violation("V10", p + " delivered " + prevP.id() + " before " + e.id() + " in view " + vid
                            + " but " + q + " delivered them the other way round" + (safeOnly ? " (safe ABCASTs)" : ""),
                            List.of(prevP, e, dq.get(iq), qPrev));
                    return;
                }
                prevP = e;
                prevQ = iq;
            }
        }

        final Map<String, List<HistoryEvent>> abcastCache = new HashMap<>();

        List<HistoryEvent> abcasts(MemberId p, long vid, boolean safeOnly) {
            return abcastCache.computeIfAbsent(p + "/" + vid + "/" + safeOnly, k -> collectAbcasts(p, vid, safeOnly));
        }

        List<HistoryEvent> collectAbcasts(MemberId p, long vid, boolean safeOnly) {
            List<HistoryEvent> out = new ArrayList<>();
            for (HistoryEvent d : delivByProcView.getOrDefault(p, Map.of()).getOrDefault(vid, List.of())) {
                if (d.ordering() == Ordering.ABCAST && (!safeOnly || d.safe())) {
                    out.add(d);
                }
            }
            return out;
        }

        List<HistoryEvent> sendsIn(MemberId p, long viewId) {
            return sendsByProcView.getOrDefault(p, Map.of()).getOrDefault(viewId, List.of());
        }

        void checkValidity() {
            for (long vid : viewById.keySet()) {
                List<MemberId> surv = survivorsOf(vid);
                for (MemberId s : surv) {
                    for (HistoryEvent send : sendsIn(s, vid)) {
                        for (MemberId q : surv) {
                            if (!delivered(q, vid).contains(send.id())) {
                                violation("V7", "survivor " + q + " of view " + vid + " never delivered " + send.id()
                                        + " from survivor " + s, List.of(send, firstInstall.get(nextId(vid))));
                                break;
                            }
                        }
                    }
                }
            }
            if (!quiescentEnd || viewById.isEmpty()) {
                return;
            }
            long lastId = viewById.lastKey();
            View last = viewById.get(lastId);
            List<MemberId> alive = last.members().stream().filter(this::aliveAtEnd).toList();
            if (alive.size() * 2 <= last.size()) {
                checkMinoritySaidSo(lastId, alive);
                return;
            }
            if (!newest) {
                violation("V2", "the group was founded anew while view " + lastId + " of this instance still had a live"
                        + " majority " + alive, List.of(firstInstall.get(lastId)));
                return;
            }
            for (MemberId p : procs.keySet()) {
                if (!aliveAtEnd(p)) {
                    continue;
                }
                List<Long> ins = installsOf.getOrDefault(p, List.of());
                if (ins.isEmpty() || ins.get(ins.size() - 1) != lastId) {
                    List<HistoryEvent> ex = new ArrayList<>();
                    ex.add(firstInstall.get(lastId));
                    for (HistoryEvent e : procs.get(p)) {
                        if (e.kind() == Kind.INSTALL) {
                            ex.add(e);
                        }
                    }
                    violation("V7", p + " is alive at the quiet end but not in the last view " + last, ex);
                }
            }
            List<MemberId> live = last.members().stream()
                    .filter(m -> aliveAtEnd(m) && installsOf.getOrDefault(m, List.of()).contains(lastId)).toList();
            for (MemberId s : live) {
                for (HistoryEvent send : sendsIn(s, lastId)) {
                    for (MemberId q : live) {
                        if (!delivered(q, lastId).contains(send.id())) {
                            violation("V7", q + " never delivered " + send.id() + " sent in the last view " + lastId
                                    + " by live member " + s, List.of(firstInstall.get(lastId), send));
                            break;
                        }
                    }
                }
            }
        }

        /**
         * The primary is lost for good (no majority of the last view alive): every live member that
         * installed that view must have said so, and not taken it back.
         */
        void checkMinoritySaidSo(long lastId, List<MemberId> alive) {
            primaryLost = true;
            for (MemberId p : alive) {
                if (!installsOf.getOrDefault(p, List.of()).contains(lastId)) {
                    continue;
                }
                HistoryEvent lastQuorum = null;
                for (HistoryEvent e : procs.get(p)) {
                    if (e.kind() == Kind.QUORUM_LOST || e.kind() == Kind.QUORUM_REGAINED
                            || (e.kind() == Kind.INSTALL && e.view().id() == lastId)) {
                        lastQuorum = e;
                    }
                }
                if (lastQuorum == null || lastQuorum.kind() != Kind.QUORUM_LOST) {
                    violation("V3", p + " is alive in view " + lastId + ", which lost its majority for good, but never said"
                            + " it lost the majority", lastQuorum == null ? List.of(firstInstall.get(lastId)) : List.of(lastQuorum));
                }
            }
        }

        void checkState() {
            Map<String, HistoryEvent> given = new HashMap<>();
            for (HistoryEvent e : events) {
                if (e.kind() == Kind.STATE_GIVEN) {
                    given.put(e.position() + "@" + e.hash(), e);
                    long expect = expectedDigest(e.process(), e.position());
                    if (expect != e.hash()) {
                        violation("V11", "donor " + e.process() + " handed a state for view " + e.position()
                                + " that is not its deliveries before that view", List.of(e));
                    }
                }
            }
            for (HistoryEvent e : events) {
                if (e.kind() != Kind.STATE_SET) {
                    continue;
                }
                if (!given.containsKey(e.position() + "@" + e.hash())) {
                    List<HistoryEvent> ex = new ArrayList<>();
                    for (HistoryEvent g : events) {
                        if (g.kind() == Kind.STATE_GIVEN && g.position() == e.position()) {
                            ex.add(g);
                        }
                    }
                    ex.add(e);
                    violation("V11", e.process() + " set a state for view " + e.position()
                            + " that no donor handed over for that view", ex);
                }
            }
        }

        /** The state digest {@code p} should have right after installing {@code viewId}. */
        long expectedDigest(MemberId p, long viewId) {
            long base = 0;
            long from = 0;
            for (HistoryEvent e : procs.getOrDefault(p, List.of())) {
                if (e.kind() == Kind.STATE_SET && e.position() <= viewId) {
                    base = e.hash();
                    from = e.position();
                }
            }
            long d = base;
            for (Map.Entry<Long, List<HistoryEvent>> e : delivByProcView.getOrDefault(p, Map.of()).entrySet()) {
                if (e.getKey() >= from && e.getKey() < viewId) {
                    for (HistoryEvent ev : e.getValue()) {
                        d += digestOf(ev.id());
                    }
                }
            }
            return d;
        }
    }

    /** Convenience: whether two optional values are equal (for tests). */
    static boolean same(Object a, Object b) {
        return Objects.equals(a, b);
    }
}
