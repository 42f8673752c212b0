/**
 * ABCAST ordering: a fixed sequencer per view (the oldest member) that orders message ids in
 * batches while payloads travel from their senders, and each member's log of that order.
 * Guarantee: V10 (total order), extending causal order (V9).
 */
package org.backplane.vsync.ordering;
