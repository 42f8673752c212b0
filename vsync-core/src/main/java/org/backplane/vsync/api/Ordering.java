package org.backplane.vsync.api;

/** The delivery order a multicast asks for. */
public enum Ordering {
    /** Causal order (GUARANTEES V8, V9): concurrent messages may be delivered in different orders. */
    CBCAST,
    /** Causal total order (V8, V9, V10): every member delivers ABCAST messages in one order. */
    ABCAST
}
