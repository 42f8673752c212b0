package org.backplane.cli;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TimeSpecTest {
    private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");
    private static final ZoneId ZONE = ZoneOffset.ofHours(1);

    @Test
    void relativeFormsCountBackFromNow() {
        assertEquals(Instant.parse("2026-11-27T11:50:00Z"), TimeSpec.parse("10m", NOW, ZONE));
        assertEquals(Instant.parse("2026-11-27T10:00:00Z"), TimeSpec.parse("2h", NOW, ZONE));
        assertEquals(Instant.parse("2026-11-26T12:00:00Z"), TimeSpec.parse("1d", NOW, ZONE));
        assertEquals(Instant.parse("2026-11-27T11:58:30Z"), TimeSpec.parse("90s", NOW, ZONE));
        assertEquals(Instant.parse("2026-11-27T11:59:59.500Z"), TimeSpec.parse("500ms", NOW, ZONE));
        assertEquals(Instant.parse("2026-11-27T11:00:00Z"), TimeSpec.parse("PT1H", NOW, ZONE));
    }

    @Test
    void absoluteFormsAreIso8601() {
        assertEquals(Instant.parse("2026-11-27T08:00:00Z"), TimeSpec.parse("2026-11-27T08:00:00Z", NOW, ZONE));
        assertEquals(Instant.parse("2026-11-27T07:00:00Z"), TimeSpec.parse("2026-11-27T08:00:00+01:00", NOW, ZONE));
        assertEquals(Instant.parse("2026-11-27T07:30:00Z"), TimeSpec.parse("2026-11-27T08:30", NOW, ZONE));
        assertEquals(Instant.parse("2026-11-26T23:00:00Z"), TimeSpec.parse("2026-11-27", NOW, ZONE));
    }

    @Test
    void anythingElseSaysWhatIsAccepted() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TimeSpec.parse("yesterday", NOW, ZONE));
        assertTrue(e.getMessage().contains("ISO-8601"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TimeSpec.parse("10 parsecs", NOW, ZONE));
        assertThrows(IllegalArgumentException.class, () -> TimeSpec.parse("", NOW, ZONE));
    }
}
