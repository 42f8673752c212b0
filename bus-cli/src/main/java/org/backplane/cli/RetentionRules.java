package org.backplane.cli;

import org.backplane.client.InvalidTopicException;
import org.backplane.client.TopicPattern;
import org.backplane.server.ServerConfig;
import org.backplane.server.ServerConfig.RetentionRule;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Converts a {@code bus server --retention} value into a {@link RetentionRule}. The value is the
 * config file's retention object written as {@code key=value} pairs with the same keys:
 * {@code pattern=/DEMO/QUOTES/*,maxCount=1000,maxAge=7d,maxBytes=1048576,compact=true}
 * ({@code compact} alone means {@code compact=true}). A bad value is a usage error (exit 2).
 */
final class RetentionRules implements ITypeConverter<RetentionRule> {
    @Override
    public RetentionRule convert(String value) {
        try {
            return parse(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }

    /**
     * Parses one rule.
     *
     * @throws IllegalArgumentException naming the bad part
     */
    static RetentionRule parse(String value) {
        TopicPattern pattern = null;
        long maxCount = 0;
        Duration maxAge = null;
        long maxBytes = 0;
        boolean compact = false;
        Set<String> seen = new HashSet<>();
        for (String part : value.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            String key = (eq < 0 ? p : p.substring(0, eq)).trim();
            String v = eq < 0 ? null : p.substring(eq + 1).trim();
            if (!seen.add(key)) {
                throw new IllegalArgumentException("retention '" + value + "' sets " + key + " twice");
            }
            if (v == null && !key.equals("compact")) {
                throw new IllegalArgumentException("retention '" + value + "': '" + p + "' needs a value (" + key + "=...)");
            }
            switch (key) {
                case "pattern" -> {
                    try {
                        pattern = TopicPattern.of(v);
                    } catch (InvalidTopicException e) {
                        throw new IllegalArgumentException("retention pattern: " + e.getMessage());
                    }
                }
                case "maxCount" -> maxCount = number(key, v);
                case "maxBytes" -> maxBytes = number(key, v);
                case "maxAge" -> maxAge = ServerConfig.parseDuration(v, "retention maxAge");
                case "compact" -> compact = v == null || bool(v);
                default -> throw new IllegalArgumentException("retention '" + value + "': unknown key '" + key
                        + "'; known keys: pattern, maxCount, maxAge, maxBytes, compact");
            }
        }
        if (pattern == null) {
            throw new IllegalArgumentException("retention '" + value + "' has no pattern (e.g. pattern=/DEMO/QUOTES/*,maxCount=1000)");
        }
        return new RetentionRule(pattern, maxCount, maxAge, maxBytes, compact);
    }

    /** The rule written back in the form {@link #parse} reads. */
    static String format(RetentionRule r) {
        StringBuilder b = new StringBuilder("pattern=").append(r.pattern().value());
        if (r.maxCount() > 0) {
            b.append(",maxCount=").append(r.maxCount());
        }
        if (r.maxAge() != null) {
            b.append(",maxAge=").append(ServerConfig.formatDuration(r.maxAge()));
        }
        if (r.maxBytes() > 0) {
            b.append(",maxBytes=").append(r.maxBytes());
        }
        if (r.compact()) {
            b.append(",compact");
        }
        return b.toString();
    }

    private static long number(String key, String v) {
        try {
            long n = Long.parseLong(v.replace("_", ""));
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("retention " + key + " must be a whole number >= 0, got '" + v + "'");
        }
    }

    private static boolean bool(String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "yes" -> true;
            case "false", "no" -> false;
            default -> throw new IllegalArgumentException("retention compact must be true or false, got '" + v + "'");
        };
    }
}
