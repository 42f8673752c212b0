package org.backplane.cli;

import org.backplane.server.ServerConfig;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;

/**
 * Parses the {@code TIME} of {@code bus tail --since TIME}: an ISO-8601 instant
 * ({@code 2026-11-27T12:00:00Z}, or with an offset {@code +01:00}), a local date-time or date in
 * the machine's zone ({@code 2026-11-27T12:00}, {@code 2026-11-27}), or a time ago in the
 * server config's duration syntax ({@code 90s}, {@code 10m}, {@code 2h}, {@code 7d}, {@code PT1H}).
 * Pure: the caller passes the current time and zone.
 */
final class TimeSpec {
    private TimeSpec() {}

    /**
     * The instant {@code text} names, relative forms counted back from {@code now}.
     *
     * @throws IllegalArgumentException saying which forms are accepted
     */
    static Instant parse(String text, Instant now, ZoneId zone) {
        String t = text.trim();
        if (!t.isEmpty() && (Character.isDigit(t.charAt(0)) || t.charAt(0) == 'P' || t.charAt(0) == 'p')
                && !t.contains("-")) {
            try {
                Duration ago = ServerConfig.parseDuration(t, "since");
                return now.minus(ago);
            } catch (IllegalArgumentException e) {
                // fall through to the absolute forms, then the combined error
            }
        }
        try {
            return Instant.parse(t);
        } catch (DateTimeParseException ignored) {
            // next form
        }
        try {
            return OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeParseException ignored) {
            // next form
        }
        try {
            return LocalDateTime.parse(t).atZone(zone).toInstant();
        } catch (DateTimeParseException ignored) {
            // next form
        }
        try {
            return LocalDate.parse(t).atStartOfDay(zone).toInstant();
        } catch (DateTimeParseException ignored) {
            // no form matched
        }
        throw new IllegalArgumentException("'" + text + "' is not a time: use an ISO-8601 instant "
                + "(2026-11-27T12:00:00Z), a local date-time or date (2026-11-27T12:00, 2026-11-27), "
                + "or a time ago (90s, 10m, 2h, 7d)");
    }
}
