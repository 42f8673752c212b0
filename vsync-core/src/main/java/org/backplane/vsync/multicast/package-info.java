/**
 * Multicast within a view: per-sender FIFO numbering, vector timestamps and the causal delivery
 * rule, with ABCAST held back for the sequencer's order and safe messages held back until
 * stable. Guarantees: V6 (integrity), V8 (FIFO), V9 (causal order), and with {@code ordering},
 * V10 (total order).
 */
package org.backplane.vsync.multicast;
