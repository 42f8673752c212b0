package org.backplane.samples.trading;

import org.backplane.client.BusMessage;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

/**
 * One price for one instrument, in cents so sums are exact. On the bus a quote is the text
 * {@code "IBM 142.35"} on topic {@code /DEMO/QUOTES/IBM} with key {@code IBM}, readable in
 * {@code bus tail}.
 *
 * @param symbol the instrument, e.g. {@code IBM}
 * @param priceCents the price in cents
 */
public record Quote(String symbol, long priceCents) {
    /** Where quotes for {@code symbol} are posted. */
    public static String topic(String symbol) {
        return "/DEMO/QUOTES/" + symbol;
    }

    /** The payload: {@code "IBM 142.35"}. */
    public byte[] payload() {
        return (symbol + " " + price(priceCents)).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Reads a quote back from a message.
     *
     * @throws IllegalArgumentException if the payload is not {@code "SYMBOL PRICE"}
     */
    public static Quote parse(BusMessage m) {
        String[] parts = m.payloadAsText().split(" ");
        if (parts.length != 2) {
            throw new IllegalArgumentException("not a quote: " + m.payloadAsText());
        }
        return new Quote(parts[0], new BigDecimal(parts[1]).movePointRight(2).longValueExact());
    }

    /** Cents as a price: {@code 14235} is {@code "142.35"}. */
    public static String price(long cents) {
        return BigDecimal.valueOf(cents, 2).toPlainString();
    }
}
