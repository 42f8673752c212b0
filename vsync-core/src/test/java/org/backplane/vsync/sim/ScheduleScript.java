package org.backplane.vsync.sim;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A schedule as text: every action a harness took against a {@link SimNetwork}, with the virtual
 * time it took it, so that a failing schedule can be stored as a small file and replayed exactly
 * ({@link ScriptReplay}) whatever the generator that made it has become since. One action per line:
 *
 * <pre>
 * # comment (header: seed, harness version, what it found)
 * 812000000 start n3 700           at a step boundary: start a process (state padding 700 bytes)
 * 812000000 send n1 A s Q 13       multicast: ABCAST/CBCAST, safe or -, reply mode N/1/Q/A, length
 * 812000000 fault LONG_PAUSE       marks a fault (no effect: the actions follow)
 * 812000000 pause n2
 * 812000000 schedule 4 200000000   a harness event, number 4, fires 200 ms later ...
 * 1012000000 @4 resume n2          ... and does this when it fires
 * 3500000000 end                   the run ends: the checks run
 * </pre>
 *
 * <p>A step boundary means: every simulation event up to that time has run, then the action is
 * taken; an {@code @K} action runs inside harness event {@code K}, in the event order the
 * simulation gives it. Payload bytes are not stored (engine behaviour depends on their length
 * only); both the generator and the replay use {@link SimHarness#payload}. The digest covers
 * the action lines, not the comments.
 */
final class ScheduleScript {

    private final List<String> header = new ArrayList<>();
    private final List<String> lines = new ArrayList<>();

    /** Appends an action taken at {@code timeNs} (a boundary action, or {@code @K ...}). */
    void add(long timeNs, String action) {
        lines.add(timeNs + " " + action);
    }

    /** Appends a header comment line (without the leading {@code #}). */
    void comment(String text) {
        header.add(text);
    }

    /** The action lines. */
    List<String> lines() {
        return lines;
    }

    /** The header comment lines. */
    List<String> comments() {
        return header;
    }

    /** The value of header field {@code key} ({@code # key: value}), or null. */
    String field(String key) {
        for (String h : header) {
            if (h.startsWith(key + ":")) {
                return h.substring(key.length() + 1).trim();
            }
        }
        return null;
    }

    /** The fault markers, in order: the schedule's fault sequence. */
    List<String> faults() {
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            String[] f = l.split(" ");
            if (f.length >= 3 && f[1].equals("fault")) {
                out.add(f[2] + "@" + Long.parseLong(f[0]) / 1_000_000 + "ms");
            }
        }
        return out;
    }

    /** Fault counts by kind. */
    Map<String, Integer> faultCounts() {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (String f : faults()) {
            out.merge(f.substring(0, f.indexOf('@')), 1, Integer::sum);
        }
        return out;
    }

    /** SHA-256 of the action lines, first 16 hex digits. */
    String digest() {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (String l : lines) {
                md.update(l.getBytes(StandardCharsets.UTF_8));
                md.update((byte) '\n');
            }
            return HexFormat.of().formatHex(md.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The file form: header comments, then the actions. */
    String text() {
        StringBuilder b = new StringBuilder();
        for (String h : header) {
            b.append("# ").append(h).append('\n');
        }
        for (String l : lines) {
            b.append(l).append('\n');
        }
        return b.toString();
    }

    /** Reads the file form. */
    static ScheduleScript parse(String text) {
        ScheduleScript s = new ScheduleScript();
        for (String raw : text.split("\n")) {
            String l = raw.strip();
            if (l.isEmpty()) {
                continue;
            }
            if (l.startsWith("#")) {
                s.header.add(l.substring(1).strip());
            } else {
                s.lines.add(l);
            }
        }
        return s;
    }
}
