package org.backplane.client;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TopicPatternTest {

    @Test
    void validNamesAreAccepted() {
        for (String name : new String[] {"/A", "/DEMO/QUOTES/IBM", "/a-b/c_d/e.f/g:h", "/0/1/2",
                "/" + "x".repeat(254)}) {
            assertNull(TopicName.problem(name), name);
            assertEquals(name, TopicName.of(name).value());
        }
    }

    @Test
    void invalidNamesAreRefusedWithAReason() {
        String[][] cases = {
                {"", "empty"}, {"DEMO", "must start with '/'"}, {"/", "empty segment"}, {"/A//B", "empty segment"},
                {"/A/", "empty segment"}, {"/A B", "character ' '"}, {"/A/*", "'*' only in subscription patterns"},
                {"/A@SITE", "character '@'"}, {"/" + "x".repeat(255), "limit is 255"},
                {"/\u00e9", "character"}, {"/a".repeat(33), "33 segments"}};
        for (String[] c : cases) {
            String problem = TopicName.problem(c[0]);
            assertNotNull(problem, c[0]);
            assertTrue(problem.contains(c[1]), problem + " should mention " + c[1]);
            InvalidTopicException e = assertThrows(InvalidTopicException.class, () -> TopicName.of(c[0]));
            assertEquals(problem, e.getMessage());
        }
    }

    @Test
    void singleStarMatchesExactlyOneSegment() {
        TopicPattern p = TopicPattern.of("/DEMO/QUOTES/*");
        assertTrue(p.matches("/DEMO/QUOTES/IBM"));
        assertFalse(p.matches("/DEMO/QUOTES"));
        assertFalse(p.matches("/DEMO/QUOTES/IBM/BID"));
        assertFalse(p.matches("/DEMO/TRADES/IBM"));
        assertTrue(TopicPattern.of("/*/QUOTES/*").matches("/X/QUOTES/Y"));
        assertFalse(TopicPattern.of("/*").matches("/A/B"));
    }

    @Test
    void doubleStarMatchesZeroOrMoreSegments() {
        TopicPattern p = TopicPattern.of("/DEMO/**");
        assertTrue(p.matches("/DEMO"));
        assertTrue(p.matches("/DEMO/QUOTES"));
        assertTrue(p.matches("/DEMO/QUOTES/IBM/BID"));
        assertFalse(p.matches("/DEMOS/QUOTES"));
        assertFalse(p.matches("/OTHER"));
        assertTrue(TopicPattern.of("/**").matches("/ANY/THING"));
        TopicPattern middle = TopicPattern.of("/A/**/Z");
        assertTrue(middle.matches("/A/Z"));
        assertTrue(middle.matches("/A/B/Z"));
        assertTrue(middle.matches("/A/B/C/Z"));
        assertFalse(middle.matches("/A/B/C"));
        assertFalse(middle.matches("/A/ZZ"));
        assertTrue(TopicPattern.of("/**/IBM").matches("/DEMO/QUOTES/IBM"));
        assertTrue(TopicPattern.of("/*/**").matches("/A"));
    }

    @Test
    void literalPatternMatchesOnlyItsTopic() {
        TopicPattern p = TopicPattern.of("/DEMO/QUOTES/IBM");
        assertTrue(p.isLiteral());
        assertTrue(p.matches("/DEMO/QUOTES/IBM"));
        assertFalse(p.matches("/DEMO/QUOTES/IBMX"));
        assertFalse(TopicPattern.of("/DEMO/*").isLiteral());
    }

    @Test
    void partialWildcardsAndBadPatternsAreRefused() {
        for (String bad : new String[] {"", "DEMO/*", "/DEMO/IB*", "/DEMO/***", "/DEMO//*", "/DEMO/*/", "/A B/*"}) {
            assertNotNull(TopicPattern.problem(bad), bad);
            assertThrows(InvalidTopicException.class, () -> TopicPattern.of(bad));
        }
    }
}
