package org.backplane.vsync.flush;

/**
 * A flush ballot within one view (PROTOCOL-NOTES §3.5): compared by round, then by proposer rank
 * (a lower rank, i.e. an older member, wins ties). The flush is a single-decree Paxos over the
 * cut and the next view, keyed by the current view id and this ballot.
 *
 * @param round        the attempt number, strictly larger for each new attempt
 * @param proposerRank the leader's rank in the current view
 */
public record Ballot(long round, int proposerRank) implements Comparable<Ballot> {

    /** Below every real ballot. */
    public static final Ballot ZERO = new Ballot(0, Integer.MAX_VALUE);

    @Override
    public int compareTo(Ballot o) {
        int c = Long.compare(round, o.round);
        return c != 0 ? c : Integer.compare(o.proposerRank, proposerRank);
    }

    /** Whether this ballot is strictly above {@code o}. */
    public boolean above(Ballot o) {
        return compareTo(o) > 0;
    }

    @Override
    public String toString() {
        return "b" + round + "." + proposerRank;
    }
}
