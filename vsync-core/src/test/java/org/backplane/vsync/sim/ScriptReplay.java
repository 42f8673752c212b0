package org.backplane.vsync.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.backplane.vsync.api.Ordering;
import org.backplane.vsync.membership.Breakage;

/**
 * Replays a stored {@link ScheduleScript} through a {@link SimHarness}: the same actions at the
 * same virtual times, on a network seeded as the original (so frame delays are drawn as they
 * were), whatever generator made the script. Against the engine the script was recorded with it
 * gives the recorded run event for event; against a later engine it is the same fault sequence,
 * which is what a pinned regression must replay. The replay writes its own script as it goes:
 * its lines start with the stored ones, then comes the usual end once more (heal, restart what
 * this engine excluded, quiet time) so that liveness is judged on the replaying engine.
 */
final class ScriptReplay {

    private static final java.time.Duration QUIET = java.time.Duration.ofMillis(1500);

    private final ScheduleScript input;
    private final long seed;
    private final SimHarness h;
    private final Map<Integer, List<String>> eventActions = new HashMap<>();

    ScriptReplay(ScheduleScript input, Breakage breakage) {
        this.input = input;
        String s = input.field("seed");
        this.seed = s == null ? 0 : Long.parseLong(s);
        this.h = new SimHarness(seed, breakage);
        // The generator split its random source off the network's: do the same, so the
        // network's own draws (frame delays, tick phases) come out as they did.
        h.net.random().split();
    }

    private long storedEndEvents = -1;
    private String storedEndHistory;

    /** Simulation events run when the replay reached the stored end (-1 if it did not). */
    long storedEndEvents() {
        return storedEndEvents;
    }

    /** The digest of the history recorded up to the stored end. */
    String storedEndHistory() {
        return storedEndHistory;
    }

    SimHarness.Outcome run() {
        for (String line : input.lines()) {
            String[] f = line.split(" ", 3);
            if (f[1].startsWith("@")) {
                eventActions.computeIfAbsent(Integer.parseInt(f[1].substring(1)), k -> new ArrayList<>()).add(f[2]);
            }
        }
        try {
            for (String line : input.lines()) {
                String[] f = line.split(" ", 2);
                long t = Long.parseLong(f[0]);
                String action = f[1];
                if (action.startsWith("@")) {
                    continue;
                }
                if (action.startsWith("& ")) {
                    action = action.substring(2);
                    if (t != h.net.nowNs()) {
                        throw new IllegalArgumentException("same-step action at another time: " + line);
                    }
                } else {
                    h.runTo(t);
                }
                if (action.equals("end")) {
                    storedEndEvents = h.net.eventsRun();
                    storedEndHistory = SimHarness.digest(h.net.history().events());
                    // Then the usual end once more (heal, restart what the replaying engine
                    // excluded, quiet time), so liveness is judged on this engine: the stored
                    // restarts followed the exclusions of the engine that recorded them (and a
                    // run stored where the engine threw has no end of its own).
                    h.quietEnd(QUIET, () -> 700);
                    return h.end(seed);
                }
                perform(action);
            }
        } catch (RuntimeException e) {
            h.engineThrew(e);
        }
        return h.end(seed);
    }

    private void perform(String action) {
        String[] a = action.split(" ");
        switch (a[0]) {
            case "start" -> h.start(a[1], Integer.parseInt(a[2]));
            case "send" -> h.send(a[1], a[2].equals("A") ? Ordering.ABCAST : Ordering.CBCAST, a[3].equals("s"),
                    SimHarness.mode(a[4]), Integer.parseInt(a[5]));
            case "crash" -> h.crash(a[1]);
            case "pause" -> h.pause(a[1]);
            case "resume" -> h.resume(a[1]);
            case "partition" -> h.partition(Set.of(a[1].split(",")));
            case "heal-partition" -> h.healPartition();
            case "break" -> h.breakLink(a[1], a[2]);
            case "heal" -> h.healLink(a[1], a[2]);
            case "heal-all" -> h.healAll();
            case "leave" -> h.leave(a[1]);
            case "fault" -> h.fault(a[1]);
            case "schedule" -> {
                int k = Integer.parseInt(a[1]);
                List<String> body = eventActions.getOrDefault(k, List.of());
                h.schedule(Long.parseLong(a[2]), () -> body.forEach(this::perform));
            }
            default -> throw new IllegalArgumentException("unknown schedule action: " + action);
        }
    }
}
