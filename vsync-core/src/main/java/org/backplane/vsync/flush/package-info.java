/**
 * The view-change flush (PROTOCOL-NOTES §3.5): a single-decree Paxos over the cut of the old
 * view and the membership of the next, with leader failover by ballots and the rule "adopt the
 * highest accepted decision". Guarantees: V1 (view agreement), V4 (same-view delivery) and V5
 * (virtual synchrony: survivors deliver the same set in the old view, also when a sender or the
 * leader crashes mid-flush).
 */
package org.backplane.vsync.flush;
