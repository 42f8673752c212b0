package org.backplane.client;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A validated subscription pattern: a topic name whose segments may also be {@code *} (exactly
 * one segment) or {@code **} (zero or more segments). {@code /DEMO/QUOTES/*} matches
 * {@code /DEMO/QUOTES/IBM} but not {@code /DEMO/QUOTES/IBM/BID}; {@code /DEMO/**} matches
 * {@code /DEMO} and every topic below it; {@code /**} matches every topic. A pattern without
 * wildcards matches exactly the one topic it names. Wildcards stand for whole segments only
 * ({@code /DEMO/IB*} is invalid).
 *
 * <p>Shared by the server (subscription filters, TOPICS requests), the client and the CLI, so
 * validation and matching live in one place. Immutable and thread-safe; {@link #matches} does
 * not allocate.
 */
public final class TopicPattern implements Predicate<String> {
    private static final String ONE = "*";
    private static final String ANY = "**";

    private final String value;
    private final String[] segments;
    private final boolean literal;

    private TopicPattern(String value, String[] segments, boolean literal) {
        this.value = value;
        this.segments = segments;
        this.literal = literal;
    }

    /**
     * Validates and parses a pattern. Any thread.
     *
     * @throws InvalidTopicException if the pattern breaks a rule; the message says which
     */
    public static TopicPattern of(String pattern) {
        String problem = problem(pattern);
        if (problem != null) {
            throw new InvalidTopicException(problem);
        }
        List<String> parts = new ArrayList<>();
        boolean literal = true;
        int start = 1;
        for (int i = 1; i <= pattern.length(); i++) {
            if (i == pattern.length() || pattern.charAt(i) == '/') {
                String segment = pattern.substring(start, i);
                literal &= !segment.equals(ONE) && !segment.equals(ANY);
                parts.add(segment.equals(ONE) ? ONE : segment.equals(ANY) ? ANY : segment);
                start = i + 1;
            }
        }
        return new TopicPattern(pattern, parts.toArray(new String[0]), literal);
    }

    /** The pattern matching exactly one topic. Any thread. */
    public static TopicPattern of(TopicName topic) {
        return of(topic.value());
    }

    /** Why {@code pattern} is not a valid pattern, or {@code null} if it is. Any thread. */
    public static String problem(String pattern) {
        if (pattern == null || pattern.isEmpty()) {
            return "topic pattern is empty";
        }
        if (pattern.length() > TopicName.MAX_LENGTH) {
            return "topic pattern is " + pattern.length() + " characters long, the limit is "
                    + TopicName.MAX_LENGTH;
        }
        if (pattern.charAt(0) != '/') {
            return "topic pattern '" + TopicName.printable(pattern) + "' must start with '/'";
        }
        int segments = 0;
        int start = 1;
        for (int i = 1; i <= pattern.length(); i++) {
            if (i < pattern.length() && pattern.charAt(i) != '/') {
                continue;
            }
            int length = i - start;
            if (length == 0) {
                return "topic pattern '" + TopicName.printable(pattern) + "' has an empty segment at character " + i;
            }
            boolean wildcard = (length == 1 && pattern.charAt(start) == '*')
                    || (length == 2 && pattern.charAt(start) == '*' && pattern.charAt(start + 1) == '*');
            if (!wildcard) {
                for (int j = start; j < i; j++) {
                    char c = pattern.charAt(j);
                    if (!TopicName.isSegmentChar(c)) {
                        return "topic pattern '" + TopicName.printable(pattern) + "' has character '"
                                + TopicName.printable(String.valueOf(c)) + "' at position " + j
                                + (c == '*' ? "; '*' and '**' must be a whole segment"
                                        : "; allowed are A-Z a-z 0-9 _ - . :, '/' between segments, and '*' or '**' as a whole segment");
                    }
                }
            }
            segments++;
            start = i + 1;
        }
        if (segments > TopicName.MAX_SEGMENTS) {
            return "topic pattern has " + segments + " segments, the limit is " + TopicName.MAX_SEGMENTS;
        }
        return null;
    }

    /** True if this pattern has no wildcard and so names exactly one topic. */
    public boolean isLiteral() {
        return literal;
    }

    /**
     * True if {@code topic} (assumed a valid topic name) matches this pattern. Any thread;
     * allocation-free.
     */
    public boolean matches(String topic) {
        if (literal) {
            return value.equals(topic);
        }
        return match(0, topic, 1);
    }

    /** Same as {@link #matches(String)}, so a pattern can serve as a topic filter. */
    @Override
    public boolean test(String topic) {
        return matches(topic);
    }

    /** Matches pattern segments from {@code p} against the topic from character {@code from}. */
    private boolean match(int p, String topic, int from) {
        int length = topic.length();
        while (p < segments.length) {
            String segment = segments[p];
            if (segment == ANY) {
                if (p == segments.length - 1) {
                    return true; // trailing ** swallows the rest, including nothing
                }
                // zero segments, then one more at a time
                if (match(p + 1, topic, from)) {
                    return true;
                }
                int next = from;
                while (next <= length) {
                    int end = topic.indexOf('/', next);
                    if (end < 0) {
                        return false;
                    }
                    if (match(p + 1, topic, end + 1)) {
                        return true;
                    }
                    next = end + 1;
                }
                return false;
            }
            if (from > length) {
                return false; // topic has no segment left
            }
            int end = topic.indexOf('/', from);
            if (end < 0) {
                end = length;
            }
            if (segment != ONE
                    && (end - from != segment.length() || !topic.regionMatches(from, segment, 0, segment.length()))) {
                return false;
            }
            from = end + 1;
            p++;
        }
        return from > length;
    }

    /** The pattern as written, e.g. {@code /DEMO/QUOTES/*}. */
    public String value() {
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TopicPattern t && t.value.equals(value);
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
