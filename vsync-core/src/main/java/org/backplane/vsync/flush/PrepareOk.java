package org.backplane.vsync.flush;

import java.util.List;

import org.backplane.vsync.multicast.Data;

/**
 * A participant's promise and report for a ballot.
 *
 * @param group          the group
 * @param viewId         the view being closed
 * @param ballot         the ballot promised
 * @param received       per sender rank, contiguous count held
 * @param delivered      per sender rank, count delivered
 * @param deliveredPos   ABCAST positions delivered
 * @param orderBase      the position before the first order record reported
 * @param orderRanks     order records held, from {@code orderBase + 1}
 * @param orderSeqs      order records held
 * @param absentData     every held message of senders that are not participants of this ballot
 * @param acceptedBallot the ballot of the decision accepted earlier in this view, or null
 * @param accepted       that decision, or null
 * @param awaitingState  whether this member still waits for its state transfer
 */
public record PrepareOk(String group, long viewId, Ballot ballot, long[] received, long[] delivered,
                        long deliveredPos, long orderBase, int[] orderRanks, long[] orderSeqs,
                        List<Data> absentData, Ballot acceptedBallot, Decision accepted,
                        boolean awaitingState) implements FlushMessage {

    /** Copies the list. */
    public PrepareOk {
        absentData = List.copyOf(absentData);
    }

    @Override
    public int approxBytes() {
        int b = 64 + received.length * 16 + orderRanks.length * 12;
        for (Data d : absentData) {
            b += d.approxBytes();
        }
        return b;
    }
}
