package org.backplane.vsync.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class VsyncConfigTest {

    @Test
    void readsJsonWithDefaultsForAbsentKeys() {
        VsyncConfig c = VsyncConfig.fromJson("{\"failureTimeout\": \"PT2S\", \"heartbeatInterval\": 0.2, \"sendWindow\": 1000}");
        assertEquals(Duration.ofSeconds(2), c.failureTimeout());
        assertEquals(Duration.ofMillis(200), c.heartbeatInterval());
        assertEquals(1000, c.sendWindow());
        assertEquals(VsyncConfig.DEFAULTS.tickInterval(), c.tickInterval());
        assertEquals(VsyncConfig.DEFAULTS, VsyncConfig.fromJson("{}"));
    }

    @Test
    void refusesInvalidValuesAndUnknownKeysWithAClearMessage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VsyncConfig.fromJson("{\"failureTimeout\": \"PT0.1S\", \"heartbeatInterval\": \"PT0.1S\"}"));
        assertTrue(e.getMessage().contains("failureTimeout"), e.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> VsyncConfig.fromJson("{\"failureTimeot\": \"PT2S\"}"));
        assertTrue(unknown.getMessage().contains("failureTimeot"), unknown.getMessage());
    }
}
