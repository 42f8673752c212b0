package org.backplane.client;

/**
 * A validated topic name such as {@code /GENEVA/QUOTES/IBM}: the one place that decides what a
 * topic name is, shared by the server, the client and the CLI.
 *
 * <p>Rules (documented in {@code docs/PROTOCOL.md}, "Topic names"):
 * <ul>
 *   <li>starts with {@code /}; {@code /}-separated segments, each non-empty;</li>
 *   <li>segment characters: {@code A-Z a-z 0-9 _ - . :} (ASCII only; {@code *} is reserved for
 *       patterns, {@code @} for site addresses);</li>
 *   <li>at most {@value #MAX_LENGTH} characters and {@value #MAX_SEGMENTS} segments.</li>
 * </ul>
 * Names are case-sensitive. Immutable and thread-safe.
 */
public final class TopicName implements Comparable<TopicName> {
    /** Longest topic name, in characters (= bytes, names are ASCII). */
    public static final int MAX_LENGTH = 255;
    /** Most segments in a topic name. */
    public static final int MAX_SEGMENTS = 32;

    private final String value;

    private TopicName(String value) {
        this.value = value;
    }

    /**
     * Validates and wraps a topic name. Any thread.
     *
     * @throws InvalidTopicException if the name breaks a rule; the message says which
     */
    public static TopicName of(String name) {
        String problem = problem(name);
        if (problem != null) {
            throw new InvalidTopicException(problem);
        }
        return new TopicName(name);
    }

    /** True if {@code name} is a valid topic name. Any thread; allocation-free. */
    public static boolean isValid(String name) {
        return problem(name) == null;
    }

    /**
     * Why {@code name} is not a valid topic name, or {@code null} if it is. Any thread;
     * allocation-free for valid names.
     */
    public static String problem(String name) {
        if (name == null || name.isEmpty()) {
            return "topic name is empty";
        }
        int length = name.length();
        if (length > MAX_LENGTH) {
            return "topic name is " + length + " characters long, the limit is " + MAX_LENGTH;
        }
        if (name.charAt(0) != '/') {
            return "topic name '" + printable(name) + "' must start with '/'";
        }
        int segments = 0;
        int segmentLength = 0;
        for (int i = 1; i <= length; i++) {
            char c = i == length ? '/' : name.charAt(i);
            if (c == '/') {
                if (segmentLength == 0) {
                    return "topic name '" + printable(name) + "' has an empty segment at character " + i;
                }
                segments++;
                segmentLength = 0;
            } else if (isSegmentChar(c)) {
                segmentLength++;
            } else {
                return "topic name '" + printable(name) + "' has character '" + printable(String.valueOf(c))
                        + "' at position " + i + "; allowed are A-Z a-z 0-9 _ - . : and '/' between segments"
                        + (c == '*' ? " ('*' only in subscription patterns)" : "");
            }
        }
        if (segments > MAX_SEGMENTS) {
            return "topic name has " + segments + " segments, the limit is " + MAX_SEGMENTS;
        }
        return null;
    }

    /** True for the characters allowed inside a segment. */
    static boolean isSegmentChar(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                || c == '_' || c == '-' || c == '.' || c == ':';
    }

    /** Shortens and escapes a user-supplied string for an error message. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 80; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        if (b.length() >= 80) {
            b.append("...");
        }
        return b.toString();
    }

    /** The name as a string, e.g. {@code /DEMO/QUOTES/IBM}. */
    public String value() {
        return value;
    }

    @Override
    public int compareTo(TopicName o) {
        return value.compareTo(o.value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TopicName t && t.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return value;
    }
}
