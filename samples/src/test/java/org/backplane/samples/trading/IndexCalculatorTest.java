package org.backplane.samples.trading;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class IndexCalculatorTest {
    @Test
    void indexIsTheMeanRoundedHalfUp() {
        assertEquals(0, IndexCalculator.index(Map.of()));
        assertEquals(14235, IndexCalculator.index(Map.of("IBM", 14235L)));
        assertEquals(150, IndexCalculator.index(Map.of("A", 100L, "B", 200L)));
        assertEquals(2, IndexCalculator.index(Map.of("A", 1L, "B", 2L))); // 1.5 -> 2
        assertEquals(1, IndexCalculator.index(Map.of("A", 1L, "B", 1L, "C", 2L))); // 1.33 -> 1
    }

    @Test
    void quotesAndPricesRoundTrip() {
        assertEquals("142.35", Quote.price(14235));
        assertEquals("0.05", Quote.price(5));
        assertEquals("IBM 142.35", new String(new Quote("IBM", 14235).payload(), java.nio.charset.StandardCharsets.UTF_8));
        assertEquals("TECH5 208.42", new String(IndexCalculator.payload(20842), java.nio.charset.StandardCharsets.UTF_8));
        assertEquals("/DEMO/QUOTES/IBM", Quote.topic("IBM"));
    }
}
