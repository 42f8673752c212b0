package org.backplane.cli;

import org.backplane.server.ServerConfig.RetentionRule;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RetentionRulesTest {
    @Test
    void parsesEveryKeyAndFormatsBack() {
        RetentionRule r = RetentionRules.parse("pattern=/DEMO/QUOTES/*, maxCount=1_000, maxAge=7d, maxBytes=4096, compact=true");
        assertEquals("/DEMO/QUOTES/*", r.pattern().value());
        assertEquals(1000, r.maxCount());
        assertEquals(Duration.ofDays(7), r.maxAge());
        assertEquals(4096, r.maxBytes());
        assertTrue(r.compact());
        assertEquals("pattern=/DEMO/QUOTES/*,maxCount=1000,maxAge=7d,maxBytes=4096,compact", RetentionRules.format(r));
        assertEquals(r, RetentionRules.parse(RetentionRules.format(r)));

        RetentionRule bare = RetentionRules.parse("pattern=/A/**");
        assertEquals(0, bare.maxCount());
        assertNull(bare.maxAge());
        assertEquals(RetentionRules.parse("compact,pattern=/K").compact(), true);
    }

    @Test
    void badRulesSayWhy() {
        assertMessage("maxCount=5", "has no pattern");
        assertMessage("pattern=NOSLASH", "must start with '/'");
        assertMessage("pattern=/A,maxCount=-1", "whole number");
        assertMessage("pattern=/A,maxAge=soon", "not a duration");
        assertMessage("pattern=/A,compact=maybe", "true or false");
        assertMessage("pattern=/A,ttl=5", "unknown key 'ttl'");
        assertMessage("pattern=/A,pattern=/B", "twice");
        assertMessage("pattern=/A,maxCount", "needs a value");
    }

    private static void assertMessage(String rule, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RetentionRules.parse(rule));
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }
}
