package org.backplane.vsync.sim;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.backplane.vsync.membership.Breakage;

/**
 * A developer tool for schedules, run from a copied test class path (not a test):
 * <pre>
 * ScheduleTool gen VERSION SEED...   generate each seed with harness VERSION, print the outcome,
 *                                    write its script to target/schedules/seed-SEED.txt
 * ScheduleTool replay FILE...        replay stored scripts, print each outcome, whether the replay
 *                                    took exactly the stored actions, and the simulation events at
 *                                    the stored end (equal to the stored count on the engine that
 *                                    recorded the script)
 * </pre>
 */
final class ScheduleTool {

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: ScheduleTool gen VERSION SEED... | replay FILE...");
            System.exit(2);
        }
        if (args[0].equals("gen")) {
            int version = Integer.parseInt(args[1]);
            Path dir = Path.of(System.getProperty("schedules.dir", "target/schedules"));
            Files.createDirectories(dir);
            for (int i = 2; i < args.length; i++) {
                SimHarness.Outcome o = new ScheduleRunner(Long.parseLong(args[i]), Breakage.NONE, version).run();
                ScheduleScript s = o.script();
                s.comment("as the checker reported it: " + firstFinding(o));
                s.comment("events on that engine: " + o.events());
                s.comment("digest: " + s.digest());
                Files.writeString(dir.resolve("seed-" + o.seed() + ".txt"), s.text(), StandardCharsets.UTF_8);
                report(o, s.digest());
            }
        } else {
            for (int i = 1; i < args.length; i++) {
                ScheduleScript in = ScheduleScript.parse(Files.readString(Path.of(args[i]), StandardCharsets.UTF_8));
                ScriptReplay r = new ScriptReplay(in, Breakage.NONE);
                SimHarness.Outcome o = r.run();
                report(o, o.script().digest());
                List<String> stored = in.lines().subList(0, in.lines().size() - 1);
                boolean same = o.script().lines().size() > stored.size()
                        && o.script().lines().subList(0, stored.size()).equals(stored);
                String events = in.field("events") != null ? in.field("events") : in.field("events on that engine");
                System.out.println("  stored digest " + in.field("digest") + ", file " + in.digest() + "; replay took "
                        + (same ? "exactly the stored actions" : "OTHER actions") + "; events at the stored end: stored "
                        + events + ", replayed " + r.storedEndEvents());
            }
        }
    }

    static String firstFinding(SimHarness.Outcome o) {
        if (!o.problems().isEmpty()) {
            return o.problems().get(0).lines().findFirst().orElse("");
        }
        if (!o.result().violations().isEmpty()) {
            return o.result().violations().get(0).property() + ": " + o.result().violations().get(0).description();
        }
        return "nothing (ok)";
    }

    private static void report(SimHarness.Outcome o, String digest) {
        System.out.println("seed " + o.seed() + ": events " + o.events() + ", digest " + digest + ", faults "
                + o.script().faults() + (o.primaryLost() ? ", primary lost" : "") + " -> "
                + (o.ok() ? "ok" : firstFinding(o)));
    }
}
