package org.backplane.vsync.api;

import java.util.Objects;

/**
 * The identity of one engine process: a node name plus an incarnation number. A process that
 * is dropped from a view never comes back under the same identity; it rejoins with a higher
 * incarnation (fail-stop model, GUARANTEES V3). Immutable; usable from any thread.
 *
 * @param node        the stable node name (for example {@code "server-1"}); never empty
 * @param incarnation the incarnation, strictly larger for every restart of the same node
 */
public record MemberId(String node, long incarnation) implements Comparable<MemberId> {

    /** Validates the fields. */
    public MemberId {
        Objects.requireNonNull(node, "node");
        if (node.isEmpty() || node.indexOf('#') >= 0) {
            throw new IllegalArgumentException("node name must be non-empty and free of '#': " + node);
        }
        if (incarnation < 0) {
            throw new IllegalArgumentException("incarnation must be >= 0: " + incarnation);
        }
    }

    /** Parses the form printed by {@link #toString()}, {@code node#incarnation}. */
    public static MemberId parse(String text) {
        int hash = text.lastIndexOf('#');
        if (hash <= 0) {
            throw new IllegalArgumentException("not a member id (node#incarnation): " + text);
        }
        return new MemberId(text.substring(0, hash), Long.parseLong(text.substring(hash + 1)));
    }

    /** The same node with the next incarnation. */
    public MemberId nextIncarnation() {
        return new MemberId(node, incarnation + 1);
    }

    @Override
    public int compareTo(MemberId o) {
        int c = node.compareTo(o.node);
        return c != 0 ? c : Long.compare(incarnation, o.incarnation);
    }

    @Override
    public String toString() {
        return node + "#" + incarnation;
    }
}
