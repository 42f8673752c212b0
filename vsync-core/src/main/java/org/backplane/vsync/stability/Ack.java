package org.backplane.vsync.stability;

/**
 * A member's receipt report for one view (PROTOCOL-NOTES §6): for every sender rank, how many of
 * its messages this member holds contiguously, and how many order positions it knows. Sent to
 * every member periodically while it changes; stability is the minimum over members.
 *
 * @param group      the group
 * @param viewId     the view
 * @param received   per sender rank, the contiguous count held; not copied
 * @param orderKnown the highest order position known
 */
public record Ack(String group, long viewId, long[] received, long orderKnown) implements StabilityMessage {

    @Override
    public int approxBytes() {
        return 24 + received.length * 8;
    }
}
